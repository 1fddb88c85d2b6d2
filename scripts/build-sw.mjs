// Builds the service worker with Workbox (npm, never a CDN): called by `flask build-assets`.
// Usage: node scripts/build-sw.mjs '<json>' where json is
//   {staticDir, outDir, staticUrl, build, files, offlineUrl, signOutUrl, csrfUrl}
// files: the paths (relative to staticDir) to precache: the hashed bundles and the icons.
// Writes outDir/sw.js (policy.js + sw.js with the precache manifest injected), copies the
// Workbox runtime to outDir/workbox-v<version>/ and idb's UMD build next to it.
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyWorkboxLibraries, injectManifest } from "workbox-build";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, "..", "app", "static", "sw");
const options = JSON.parse(process.argv[2]);

const workboxDir = await copyWorkboxLibraries(options.outDir);
const idbVersion = require("idb/package.json").version;
const idbFile = `idb-${idbVersion}.umd.js`;
await copyFile(require.resolve("idb/build/umd.js"), path.join(options.outDir, idbFile));

const gen = options.staticUrl + "/" + path.basename(options.outDir);
const values = {
  __WB_DIR__: `${gen}/${workboxDir}`,
  __IDB__: `${gen}/${idbFile}`,
  __BUILD__: options.build,
  __STATIC_GEN__: gen + "/",
  __STATIC__: options.staticUrl + "/",
  __OFFLINE__: options.offlineUrl,
  __SIGN_OUT__: options.signOutUrl,
  __CSRF__: options.csrfUrl,
};
let code = (await readFile(path.join(source, "policy.js"), "utf8")) + "\n" +
  (await readFile(path.join(source, "sw.js"), "utf8"));
for (const [name, value] of Object.entries(values)) code = code.split(name).join(value);

const scratch = await mkdtemp(path.join(tmpdir(), "meetday-sw-"));
try {
  const swSrc = path.join(scratch, "sw.js");
  await writeFile(swSrc, code);
  const { count, size, warnings } = await injectManifest({
    swSrc,
    swDest: path.join(options.outDir, "sw.js"),
    globDirectory: options.staticDir,
    globPatterns: options.files,
    modifyURLPrefix: { "": options.staticUrl + "/" },
    dontCacheBustURLsMatching: /\.[0-9a-f]{8,}\./,
    additionalManifestEntries: [{ url: options.offlineUrl, revision: options.build }],
  });
  for (const warning of warnings) console.error("workbox: " + warning);
  console.log(JSON.stringify({ precached: count, bytes: size, workbox: workboxDir }));
} finally {
  await rm(scratch, { recursive: true, force: true });
}
