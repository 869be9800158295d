// Composes Roots Graph's subgraph with other subgraphs under Apollo Federation's composition rules
// (@apollo/composition, the library that rover and GraphOS use), and fails on any composition
// error or on any hint that a subgraph is read as Federation 1.
//
//   npm install --prefix tools/compose
//   node tools/compose/compose.mjs [roots.graphqls] [other.graphqls ...]
//
// With no arguments it composes the SDL a running server publishes (ROOTS_URL, default
// http://localhost:8080/graphql, through `_service { sdl }`) with the partner fixture
// graph/testdata/federation/partner-subgraph.graphqls, and writes the supergraph SDL to stdout.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2);

async function rootsSDL() {
  if (files.length > 0) return readFileSync(files[0], "utf8");
  const url = process.env.ROOTS_URL ?? "http://localhost:8080/graphql";
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query: "{ _service { sdl } }" }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(`_service failed: ${JSON.stringify(body.errors)}`);
  return body.data._service.sdl;
}

const others = files.length > 1
  ? files.slice(1)
  : [join(here, "../../graph/testdata/federation/partner-subgraph.graphqls")];

const services = [
  { name: "roots-graph", url: "http://roots-graph/graphql", typeDefs: parse(await rootsSDL()) },
  ...others.map((f) => ({
    name: basename(f).replace(/\.graphqls?$/, ""),
    url: `http://${basename(f)}/graphql`,
    typeDefs: parse(readFileSync(f, "utf8")),
  })),
];

// A subgraph without a @link to the federation v2 spec is read as Federation 1 and silently
// upgraded; that is what the check below refuses.
const sdlOf = (s) => s.typeDefs.loc.source.body;
const fed1Subgraphs = services.filter((s) => !/@link\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/federation\/v2\./.test(sdlOf(s)));
for (const s of fed1Subgraphs) console.error(`subgraph ${s.name} does not @link federation v2: it would be read as Federation 1`);

const result = composeServices(services);
const hints = result.hints ?? [];
for (const h of hints) console.error(`hint ${h.definition.code}: ${h.message}`);
if (result.errors) {
  for (const e of result.errors) console.error(`error ${e.extensions?.code ?? ""}: ${e.message}`);
  process.exit(1);
}
const fed1 = hints.filter((h) => /fed(eration)?[ _-]?1|FED1/i.test(`${h.definition.code} ${h.message}`));
if (fed1.length > 0 || fed1Subgraphs.length > 0) {
  console.error(`${fed1.length + fed1Subgraphs.length} problem(s) about Federation 1`);
  process.exit(1);
}
console.error(`composed ${services.length} subgraphs: ${services.map((s) => s.name).join(", ")}; ${hints.length} hint(s)`);
process.stdout.write(result.supergraphSdl + "\n");
