// How every tool starts: `node tools/bootstrap.mjs tools/<tool>.ts [arguments]`.
//
// The one tool file in plain JavaScript, with Node built-ins only, because it runs before
// anything is installed: a fresh clone has no node_modules, so neither TypeScript nor the
// runner for it. It installs the node dependencies when they are missing or older than the
// lockfile, then runs the TypeScript tool in this same process (its signals, exit code and
// stdout are the tool's own), compiled as it loads by @swc-node/register with tsconfig.json.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = join(import.meta.dirname, '..');
const mtime = (path) => (existsSync(join(root, path)) ? statSync(join(root, path)).mtimeMs : 0);

const installed = mtime('node_modules/.package-lock.json');
if (installed === 0 || installed < mtime('package-lock.json')) {
  // `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional packages
  // (native swc and resolver bindings) out of the lockfile, and `npm ci` then refuses the
  // lockfile as out of sync. With a lockfile present, install keeps its exact versions.
  // npm's output goes to stderr: stdout belongs to the tool (`npm run -s token`).
  process.stderr.write('[setup] installing node dependencies (npm install)\n');
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: [0, 2, 2],
  });
  if (npm.status !== 0) {
    process.stderr.write(`[setup] npm install failed (${npm.status ?? npm.signal})\n`);
    process.exit(1);
  }
}

const [tool, ...args] = process.argv.slice(2);
if (!tool?.endsWith('.ts')) {
  process.stderr.write('usage: node tools/bootstrap.mjs tools/<tool>.ts [arguments]\n');
  process.exit(2);
}

// The project's tsconfig.json wherever the tool is started from; import() kept as it is,
// as tsc emits it for CommonJS (require() cannot load an ES module holding WebAssembly);
// compiled files cached under .cache/.
process.env.SWC_NODE_PROJECT ??= join(root, 'tsconfig.json');
process.env.SWC_NODE_IGNORE_DYNAMIC ??= '1';
process.env.SWC_NODE_CACHE_DIR ??= join(root, '.cache', 'swc-node');

// TypeScript lets a relative import name the `.js` file a `.ts` file compiles to (the
// generated Prisma client does); require() needs to be pointed at the `.ts` file itself.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (error) {
    if (!/^\.\.?\/.*\.js$/.test(request) || !parent?.filename?.endsWith('.ts')) throw error;
    return resolveFilename.call(this, request.replace(/\.js$/, '.ts'), parent, ...rest);
  }
};

const require = createRequire(join(root, 'package.json'));
require('@swc-node/register');
const main = resolve(tool);
// The tool sees the command line it would have if Node ran it directly.
process.argv = [process.argv[0], main, ...args];
require(main);
