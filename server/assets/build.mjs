// Bundle the pages' scripts and the libraries they import into ../static/vendor (git-ignored).
// `npm ci && npm run build` here is run by ./dev and by the wheel build; the pages work without it.
import { build } from "esbuild";
import { rmSync } from "node:fs";

const outdir = new URL("../static/vendor/", import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: ["src/workbench.js", "src/directory-map.js"],
  outdir,
  bundle: true,
  format: "esm",
  splitting: true, // the chart, map and graph views load only when an answer needs them
  minify: true,
  target: "es2020",
  legalComments: "linked", // each library's licence notice in a .LEGAL.txt beside its bundle
  loader: { ".json": "json" },
  logLevel: "info",
});
