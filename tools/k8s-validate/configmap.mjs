// SPDX-License-Identifier: GPL-2.0-only
//
// Writes the data of a ConfigMap found in a manifest into a directory,
// one file per key, as the kubelet mounts it:
//
//   node tools/k8s-validate/configmap.mjs FILE.yaml NAME DIR
//
// tests/check-k8s.sh composes the shipped configuration with it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

const [file, name, dir] = process.argv.slice(2);
if (!dir) {
	console.error("usage: configmap.mjs FILE.yaml NAME DIR");
	process.exit(2);
}
const docs = parseAllDocuments(readFileSync(file, "utf8"));
const cm = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS())
	.find((o) => o && o.kind === "ConfigMap" && o.metadata?.name === name);
if (!cm) {
	console.error(`${file}: no ConfigMap ${name}`);
	process.exit(1);
}
mkdirSync(dir, { recursive: true });
for (const [key, value] of Object.entries(cm.data ?? {}))
	writeFileSync(join(dir, key), value);
console.log(Object.keys(cm.data ?? {}).join(" "));
