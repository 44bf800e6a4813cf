"""Task modules. Tasks are thin: ids in, a service call, nothing else."""
