// SPDX-License-Identifier: GPL-2.0-only
//
// Validates Kubernetes manifests against the Kubernetes OpenAPI schemas,
// as the API server would with strict field validation:
//
//   node tools/k8s-validate/validate.mjs FILE.yaml...
//
// Every YAML document of every FILE (multi-document files, `---`) is
// checked with the schema of its apiVersion/kind from the
// kubernetes-models package (classes generated from the OpenAPI schemas
// of one Kubernetes release; their validate() is an ajv validator):
// types, enums, required fields. Those schemas allow fields they do not
// declare, as the OpenAPI documents do, so a misspelt optional field
// (`imagePulPolicy`) would pass; the API server's strict field
// validation (kubectl's default) refuses it. To catch it here too, each
// object is handed to the validator behind a Proxy that records which
// properties the validator looks up: a generated validator reads every
// property its schema declares (and every key of a map), so a key it
// never read is a field the schema does not know. An object of which it
// read nothing is free-form (x-kubernetes-preserve-unknown-fields) and
// is not checked.
//
// Then, across all FILEs: what a pod template refers to by name
// (ConfigMaps, Secrets, the ServiceAccount) is defined in one of them, in
// the same namespace, and a probe's named port is a port of its
// container.
//
// Prints one line per document, "ok FILE: Kind/name", or one line per
// error, "FILE:LINE: Kind/name: FIELD.PATH: message"; exits 1 on any
// error, 2 on bad usage.
import { readFileSync } from "node:fs";
import { LineCounter, parseAllDocuments } from "yaml";

const files = process.argv.slice(2);
if (files.length === 0) {
	console.error("usage: validate.mjs FILE.yaml...");
	process.exit(2);
}

let failed = 0;
const objects = []; // { file, label, obj, doc, lc } of every valid document

function report(file, line, label, path, msg) {
	failed++;
	const where = line ? `${file}:${line}` : file;
	const field = path.length ? `${fieldPath(path)}: ` : "";
	console.log(`FAIL ${where}: ${label ? label + ": " : ""}${field}${msg}`);
}

// ["spec", "containers", "0", "name"] -> spec.containers[0].name (kubectl's
// notation in its field errors)
function fieldPath(path) {
	let s = "";
	for (const p of path) {
		if (/^[0-9]+$/.test(String(p))) s += `[${p}]`;
		else s += (s ? "." : "") + p;
	}
	return s;
}

// The line of the YAML node at path (or of its closest existing parent).
function lineOf(doc, lc, path) {
	for (let n = path.length; n >= 0; n--) {
		const keys = path.slice(0, n).map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
		const node = n ? doc.getIn(keys, true) : doc.contents;
		if (node && node.range) return lc.linePos(node.range[0]).line;
		// a map key whose value is null has no node: find the pair's key
		if (n) {
			const parent = n > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents;
			const pair = parent && parent.items && parent.items.find(
				(it) => it.key && String(it.key.value ?? it.key) === String(keys[n - 1]));
			if (pair && pair.key && pair.key.range) return lc.linePos(pair.key.range[0]).line;
		}
	}
	return 0;
}

function editDistance(a, b) {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++)
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1,
				d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
	return d[a.length][b.length];
}

// Wraps obj so that every property read through it (and through the
// objects reached from it) is recorded in reads: path -> {obj, seen}.
function tracked(obj, path, reads) {
	if (obj === null || typeof obj !== "object") return obj;
	const seen = new Set();
	const children = new Map();
	reads.push({ path, obj, seen });
	return new Proxy(obj, {
		get(target, key, receiver) {
			const v = Reflect.get(target, key, receiver);
			if (typeof key !== "string") return v;
			seen.add(key);
			if (v === null || typeof v !== "object" || !Object.hasOwn(target, key)) return v;
			if (!children.has(key)) children.set(key, tracked(v, [...path, key], reads));
			return children.get(key);
		},
		has(target, key) {
			if (typeof key === "string") seen.add(key);
			return Reflect.has(target, key);
		},
	});
}

async function modelClass(apiVersion, kind) {
	if (!/^([a-z0-9.-]+\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion)) return null;
	let mod;
	try {
		mod = await import(`kubernetes-models/${apiVersion}`);
	} catch {
		return null;
	}
	const cls = mod[kind];
	return typeof cls === "function" && cls.kind === kind ? cls : null;
}

async function checkDocument(file, doc, lc) {
	const obj = doc.toJS();
	const at = (path) => lineOf(doc, lc, path);
	if (obj === null || obj === undefined) return; // an empty document
	if (typeof obj !== "object" || Array.isArray(obj)) {
		report(file, at([]), "", [], "a document must be a mapping (a Kubernetes object)");
		return;
	}
	const name = obj.metadata && obj.metadata.name;
	const label = `${obj.kind ?? "?"}/${name ?? "?"}`;
	for (const f of ["apiVersion", "kind"]) {
		if (typeof obj[f] !== "string" || !obj[f]) {
			report(file, at([]), label, [f], "required field missing");
			return;
		}
	}
	if (typeof name !== "string" || !name) {
		report(file, at(["metadata"]), label, ["metadata", "name"], "required field missing");
		return;
	}
	const cls = await modelClass(obj.apiVersion, obj.kind);
	if (!cls) {
		report(file, at(["kind"]), label, ["kind"],
			`no such kind in the Kubernetes API: apiVersion ${obj.apiVersion}, kind ${obj.kind}`);
		return;
	}
	const before = failed;
	const reads = [];
	try {
		cls.prototype.validate.call(tracked(obj, [], reads));
	} catch (e) {
		if (!Array.isArray(e.errors)) throw e;
		const shown = new Set();
		for (const err of e.errors) {
			const path = err.instancePath.split("/").slice(1)
				.map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
			let msg = err.message || err.keyword;
			if (err.keyword === "enum")
				msg += `: ${err.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
			const key = `${path.join("/")} ${msg}`;
			if (shown.has(key)) continue;
			shown.add(key);
			report(file, at(path), label, path, msg);
		}
	}
	for (const { path, obj: o, seen } of reads) {
		if (Array.isArray(o) || seen.size === 0) continue;
		for (const k of Object.keys(o)) {
			if (seen.has(k)) continue;
			const near = [...seen].filter((s) => editDistance(s, k) <= 2);
			report(file, at([...path, k]), label, [...path, k],
				`unknown field "${k}"${near.length ? ` (did you mean "${near[0]}"?)` : ""}`);
		}
	}
	if (failed === before) {
		objects.push({ file, label, obj, doc, lc });
		console.log(`ok   ${file}: ${label}`);
	}
}

function podTemplate(obj) {
	if (obj.kind === "Pod") return { spec: obj.spec, path: ["spec"] };
	if (obj.kind === "CronJob")
		return { spec: obj.spec?.jobTemplate?.spec?.template?.spec,
			path: ["spec", "jobTemplate", "spec", "template", "spec"] };
	if (obj.spec?.template?.spec) return { spec: obj.spec.template.spec, path: ["spec", "template", "spec"] };
	return null;
}

// What pod templates refer to by name must be defined in these files.
function checkReferences() {
	const defined = new Set(objects.map(({ obj }) =>
		`${obj.kind}/${obj.metadata.namespace ?? "default"}/${obj.metadata.name}`));
	for (const { file, label, obj, doc, lc } of objects) {
		const t = podTemplate(obj);
		if (!t || !t.spec) continue;
		const ns = obj.metadata.namespace ?? "default";
		const need = (kind, name, path, optional) => {
			if (optional || defined.has(`${kind}/${ns}/${name}`)) return;
			report(file, lineOf(doc, lc, path), label, path,
				`${kind} "${name}" is not defined in namespace ${ns} by any of the files checked`);
		};
		const spec = t.spec;
		if (spec.serviceAccountName)
			need("ServiceAccount", spec.serviceAccountName, [...t.path, "serviceAccountName"]);
		(spec.volumes ?? []).forEach((v, i) => {
			const p = [...t.path, "volumes", String(i)];
			if (v.configMap) need("ConfigMap", v.configMap.name, [...p, "configMap", "name"], v.configMap.optional);
			if (v.secret) need("Secret", v.secret.secretName, [...p, "secret", "secretName"], v.secret.optional);
		});
		for (const list of ["initContainers", "containers"]) {
			(spec[list] ?? []).forEach((c, i) => {
				const p = [...t.path, list, String(i)];
				(c.env ?? []).forEach((e, j) => {
					const vf = e.valueFrom ?? {};
					const ep = [...p, "env", String(j), "valueFrom"];
					if (vf.configMapKeyRef)
						need("ConfigMap", vf.configMapKeyRef.name, [...ep, "configMapKeyRef", "name"], vf.configMapKeyRef.optional);
					if (vf.secretKeyRef)
						need("Secret", vf.secretKeyRef.name, [...ep, "secretKeyRef", "name"], vf.secretKeyRef.optional);
				});
				const ports = new Set((c.ports ?? []).map((pt) => pt.name).filter(Boolean));
				for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
					const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
					if (typeof port === "string" && !/^[0-9]+$/.test(port) && !ports.has(port)) {
						const kind = c[probe].httpGet ? "httpGet" : "tcpSocket";
						report(file, lineOf(doc, lc, [...p, probe, kind, "port"]), label,
							[...p, probe, kind, "port"], `no port named "${port}" in this container's ports`);
					}
				}
			});
		}
	}
}

for (const file of files) {
	let text;
	try {
		text = readFileSync(file, "utf8");
	} catch (e) {
		report(file, 0, "", [], `cannot read: ${e.message}`);
		continue;
	}
	const lc = new LineCounter();
	const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
	for (const doc of Array.isArray(docs) ? docs : [docs]) {
		if (doc.errors.length) {
			for (const e of doc.errors)
				report(file, e.linePos ? e.linePos[0].line : 0, "", [], `YAML: ${e.message.split("\n")[0]}`);
			continue;
		}
		await checkDocument(file, doc, lc);
	}
}
checkReferences();
if (failed) console.log(`k8s-validate: ${failed} error(s)`);
process.exit(failed ? 1 : 0);
