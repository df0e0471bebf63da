// The Terraform in one directory (doks/), parsed by HashiCorp's HCL parser and checked for what
// `terraform validate` would catch without its providers, plus this project's rules:
//   - every file parses;
//   - every var.X is a declared variable, every local.X a declared local, every data.T.N and
//     resource T.N reference a declared block, every module.X a declared module;
//   - every declared variable is used, and has a type and a description;
//   - every required provider is pinned to one exact version, and required_version is set.
// Usage: node check.mjs <dir>. Prints each problem with its file; exits 1 if there is any.
import { readdirSync, readFileSync } from "node:fs";
import { join, basename } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { parse, getReferencesInExpression } = require("@cdktf/hcl2json");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node check.mjs <directory with .tf files>");
  process.exit(2);
}
const files = readdirSync(dir).filter((name) => name.endsWith(".tf")).sort();
const problems = [];
function report() {
  const distinct = [...new Set(problems)];
  for (const problem of distinct) console.error(`FAILED  ${problem}`);
  console.error(`${distinct.length} problem(s) in the Terraform of ${basename(dir)}/`);
  process.exit(1);
}
if (files.length === 0) {
  problems.push(`${dir}: no .tf files`);
}

const parsed = [];
for (const name of files) {
  try {
    parsed.push({ name, body: await parse(name, readFileSync(join(dir, name), "utf8")) });
  } catch (error) {
    problems.push(`${name}: does not parse: ${String(error.message ?? error).replace(/^parse config: /, "")}`);
  }
}

// references into a file that does not parse would all read as undeclared: stop at the parse errors
if (problems.length > 0) report();

// what is declared, across all files of the module
const variables = new Map();
const locals = new Set();
const resources = new Set();
const data = new Set();
const modules = new Set();
for (const { name, body } of parsed) {
  for (const [variable, [block]] of Object.entries(body.variable ?? {})) {
    variables.set(variable, { file: name, block });
  }
  for (const block of body.locals ?? []) {
    Object.keys(block).forEach((local) => locals.add(local));
  }
  for (const [type, byName] of Object.entries(body.resource ?? {})) {
    Object.keys(byName).forEach((n) => resources.add(`${type}.${n}`));
  }
  for (const [type, byName] of Object.entries(body.data ?? {})) {
    Object.keys(byName).forEach((n) => data.add(`data.${type}.${n}`));
  }
  Object.keys(body.module ?? {}).forEach((m) => modules.add(m));
}

// every expression string anywhere except the variable declarations' own type expressions
function* expressions(node, path) {
  if (typeof node === "string") {
    if (node.includes("${")) yield { path, expression: node };
  } else if (Array.isArray(node)) {
    for (const item of node) yield* expressions(item, path);
  } else if (node && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (path.length === 2 && path[0] === "variable" && key === "type") continue;
      yield* expressions(value, [...path, key]);
    }
  }
}

// names that look like resource references but are Terraform's own or an iterator's
const builtins = new Set(["each", "count", "path", "self", "terraform", "var", "local", "data", "module"]);
const used = new Set();
for (const { name, body } of parsed) {
  for (const { path, expression } of expressions(body, [])) {
    const where = `${name}: ${path.slice(0, 3).join(".")}`;
    let references;
    try {
      references = await getReferencesInExpression(name, expression);
    } catch (error) {
      problems.push(`${where}: expression does not parse: ${expression}`);
      continue;
    }
    for (const { value } of references) {
      const parts = value.split(".");
      const [head, second, third] = parts;
      if (head === "var") {
        used.add(second);
        if (!variables.has(second)) problems.push(`${where}: var.${second} is not declared (no variable "${second}")`);
      } else if (head === "local") {
        if (!locals.has(second)) problems.push(`${where}: local.${second} is not declared in any locals block`);
      } else if (head === "data") {
        if (!data.has(`data.${second}.${third}`)) problems.push(`${where}: data.${second}.${third} is not declared`);
      } else if (head === "module") {
        if (!modules.has(second)) problems.push(`${where}: module.${second} is not declared`);
      } else if (!builtins.has(head) && /^[a-z0-9]+_[a-z0-9_]+$/.test(head) && second !== undefined) {
        const resource = `${head}.${second.replace(/\[.*$/, "")}`;
        if (!resources.has(resource)) problems.push(`${where}: ${resource} is not a declared resource`);
      }
    }
  }
}

for (const [variable, { file, block }] of variables) {
  if (!used.has(variable)) problems.push(`${file}: variable "${variable}" is declared but never used`);
  if (!block?.type) problems.push(`${file}: variable "${variable}" has no type`);
  if (!block?.description) problems.push(`${file}: variable "${variable}" has no description`);
}

const terraformBlocks = parsed.flatMap(({ name, body }) => (body.terraform ?? []).map((block) => ({ name, block })));
if (!terraformBlocks.some(({ block }) => block.required_version)) {
  problems.push("no terraform { required_version = ... } in any file");
}
const providers = terraformBlocks.flatMap(({ name, block }) =>
  (block.required_providers ?? []).flatMap((entry) => Object.entries(entry).map(([provider, spec]) => ({ name, provider, spec }))));
if (providers.length === 0) problems.push("no terraform { required_providers { ... } } in any file");
for (const { name, provider, spec } of providers) {
  const version = typeof spec === "object" ? spec.version : undefined;
  if (!/^=?\s*\d+\.\d+\.\d+$/.test(version ?? "")) {
    problems.push(`${name}: provider ${provider} is not pinned to one exact version (version = "${version ?? ""}")`);
  }
}

if (problems.length > 0) report();
console.log(`terraform-check: ${files.length} files in ${basename(dir)}/ parse; ${variables.size} variables, ` +
  `${resources.size} resources, ${data.size} data sources, references all declared; providers pinned`);
