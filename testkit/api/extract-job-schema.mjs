// Extracts the JSON Schema of Camunda's job-worker REST endpoints (v2) from the zod schemas that
// the official npm package `@camunda8/orchestration-cluster-api` generates from Camunda's OpenAPI
// description. The loopback cluster validates every request and response against the result.
//
//   npm install --prefix /tmp/ocapi @camunda8/orchestration-cluster-api@9.1.5 zod@4.6.7
//   node testkit/api/extract-job-schema.mjs /tmp/ocapi > testkit/api/jobs.schema.json
//
// The zod-to-JSON-Schema conversion drops `additionalProperties: false` (zod objects strip unknown
// keys); the OpenAPI description forbids unknown keys in these request bodies, so the script puts
// it back on every request object.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const prefix = process.argv[2];
if (!prefix) {
  console.error("usage: node extract-job-schema.mjs <npm prefix holding the package and zod>");
  process.exit(2);
}
const pkgDir = join(prefix, "node_modules", "@camunda8", "orchestration-cluster-api");
const dist = join(pkgDir, "dist");
const file = readdirSync(dist).find((f) => /^zod\.gen-.*\.js$/.test(f));
if (!file) {
  console.error(`no zod.gen-*.js in ${dist}`);
  process.exit(2);
}
const gen = await import(pathToFileURL(join(dist, file)).href);
const require = createRequire(join(pkgDir, "package.json"));
const { z } = await import(pathToFileURL(require.resolve("zod")).href);
const version = require(join(pkgDir, "package.json")).version;

// name in the schema file -> [zod export, direction]
const wanted = {
  JobActivationRequest: ["zJobActivationRequest", "request"],
  JobActivationResult: ["zJobActivationResult", "response"],
  JobCompletionRequest: ["zJobCompletionRequest", "request"],
  JobFailRequest: ["zJobFailRequest", "request"],
  JobErrorRequest: ["zJobErrorRequest", "request"],
  ProblemDetail: ["zProblemDetail", "response"],
};

function closeObjects(node) {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== "object") return;
  if (node.type === "object" && node.properties && !("additionalProperties" in node)) {
    node.additionalProperties = false;
  }
  Object.values(node).forEach(closeObjects);
}

const definitions = {};
for (const [name, [exportName, direction]] of Object.entries(wanted)) {
  const schema = gen[exportName];
  if (!schema) {
    console.error(`the package does not export ${exportName}`);
    process.exit(1);
  }
  // requests: what a client may send (defaults not required); responses: what a server sends
  const json = z.toJSONSchema(schema, { io: direction === "request" ? "input" : "output", unrepresentable: "any" });
  delete json.$schema;
  if (direction === "request") closeObjects(json);
  definitions[name] = json;
}

const out = {
  $comment: `Extracted from @camunda8/orchestration-cluster-api@${version} (${file}) by testkit/api/extract-job-schema.mjs; regenerate, do not edit.`,
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $defs: definitions,
};
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
