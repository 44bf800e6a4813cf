// Front-end asset build for casework. Run with `npm run build`.
//
// - compiles assets/scss/application.scss -> casework/static/css/application.css
//   (equivalent of `sass --load-path=node_modules --style=compressed
//   --no-source-map --quiet-deps`, with govuk-frontend's known Sass
//   deprecations silenced)
// - copies govuk-frontend.min.js (+ .map) -> casework/static/js/
// - copies GOV.UK Frontend images -> casework/static/govuk/assets/images/,
//   EXCEPT all GOV.UK-branded artwork (crown, crest, logotype, favicons, icons)
// - copies our own images assets/images/* -> casework/static/images/
//
// Never copies the GDS Transport fonts.
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const staticDir = join(root, "casework", "static");

// GOV.UK Frontend images that are Crown/GOV.UK brand artwork: never ship them.
const BRANDED = [
  /^favicon/i,
  /^govuk-crest/i,
  /^govuk-logotype/i,
  /^govuk-icon/i,
  /^govuk-opengraph/i,
  /crown/i,
  /royal-arms/i,
];

const written = [];

function copy(src, dest) {
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(src, dest);
  written.push(dest);
}

function copyDir(srcDir, destDir, skip = () => false) {
  for (const name of readdirSync(srcDir).sort()) {
    const src = join(srcDir, name);
    if (!statSync(src).isFile() || name.startsWith(".") || skip(name)) continue;
    copy(src, join(destDir, name));
  }
}

const started = Date.now();

// 1. Sass
const result = sass.compile(join(root, "assets", "scss", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  sourceMap: false,
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
const cssOut = join(staticDir, "css", "application.css");
mkdirSync(dirname(cssOut), { recursive: true });
writeFileSync(cssOut, result.css + "\n");
written.push(cssOut);

if (/GDS Transport|@font-face/.test(result.css)) {
  throw new Error("application.css must not contain GDS Transport / @font-face rules");
}

// 2. GOV.UK Frontend JavaScript
// (an ES module: load it with <script type="module">). Its source map is copied
// too, because the file ends with a sourceMappingURL comment.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copy(join(govuk, name), join(staticDir, "js", name));
}

// 3. GOV.UK Frontend images, minus branded artwork (no fonts, ever)
copyDir(
  join(govuk, "assets", "images"),
  join(staticDir, "govuk", "assets", "images"),
  (name) => BRANDED.some((re) => re.test(name)),
);

// 4. Our own images
copyDir(join(root, "assets", "images"), join(staticDir, "images"));

const ms = Date.now() - started;
console.log(
  `casework assets: ${written.length} files in ${ms} ms -> ` +
    written.map((f) => relative(root, f)).join(", "),
);
