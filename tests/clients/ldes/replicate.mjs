// Replicates the change feed with the reference LDES client (npm ldes-client), writing each member
// it emits to OUTPUT as one JSON line: {"id", "timestamp", "isVersionOf", "quads": [[s, p, o, g], ...]},
// each term as {"termType", "value", "language", "datatype"}. The client's state is kept in STATE:
// run again with the same folder, it resumes where it stopped.
//
//   node replicate.mjs URL STATE OUTPUT             replicate, then stop when no page is left to read
//   node replicate.mjs URL STATE OUTPUT --polls N   follow the stream: poll its open pages every
//                                                   half second, and stop once N polls have finished
import { closeSync, openSync, writeSync } from "node:fs";
import { replicateLDES, intoConfig } from "ldes-client";

const [url, statePath, outputPath, option, count] = process.argv.slice(2);
if (!url || !statePath || !outputPath || (option && (option !== "--polls" || !(Number(count) > 0)))) {
    console.error("usage: node replicate.mjs URL STATE OUTPUT [--polls N]");
    process.exit(2);
}
const polls = option ? Number(count) : 0;
const output = openSync(outputPath, "w");

const term = (t) => ({
    termType: t.termType,
    value: t.value,
    language: t.language || undefined,
    datatype: t.termType === "Literal" ? t.datatype.value : undefined,
});

const client = replicateLDES(
    intoConfig({ url, statePath, polling: polls > 0, pollInterval: 500 }),
    "none",
);
client.on("error", (error) => {
    console.error("ldes-client error:", error);
    process.exit(1);
});
let started = 0;
client.on("poll", () => {
    started += 1;
    if (started > polls) {  // the poll before this one has finished: its members were emitted
        setTimeout(() => {
            closeSync(output);
            process.exit(0);
        }, 500);
    }
});
const reader = client.stream({ highWaterMark: 10 }).getReader();
for (;;) {
    const { value, done } = await reader.read();
    if (value) {
        const line = {
            id: value.id.value,
            timestamp: value.timestamp instanceof Date ? value.timestamp.toISOString() : value.timestamp,
            isVersionOf: value.isVersionOf,
            quads: value.quads.map((q) => [term(q.subject), term(q.predicate), term(q.object), term(q.graph)]),
        };
        writeSync(output, JSON.stringify(line) + "\n");
    }
    if (done) break;
}
closeSync(output);
