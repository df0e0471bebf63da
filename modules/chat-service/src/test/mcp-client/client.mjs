// Drives the chat service's MCP server with the official TypeScript SDK client, as two users, and prints
// what each step answered as one JSON object on stdout. It asserts nothing itself: McpServerTest reads
// the summary and checks every step (and the tasks, through the task service's REST API).
//
// Run it:
//   cd modules/chat-service/src/test/mcp-client && npm ci
//   MCP_URL=http://localhost:8083/mcp MCP_TOKEN=<user A's bearer token> MCP_OTHER_TOKEN=<user B's> node client.mjs
// (or: node client.mjs <url> <token> <other token>; the environment keeps tokens out of `ps`).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomUUID } from 'node:crypto';

const [url, token, otherToken] = [
  process.env.MCP_URL ?? process.argv[2],
  process.env.MCP_TOKEN ?? process.argv[3],
  process.env.MCP_OTHER_TOKEN ?? process.argv[4],
];
if (!url || !token || !otherToken) {
  console.error('usage: MCP_URL=... MCP_TOKEN=... MCP_OTHER_TOKEN=... node client.mjs');
  process.exit(2);
}

/** A connected client whose every request carries `Authorization: Bearer <token>` (none when null). */
async function connect(bearer) {
  const headers = bearer ? { Authorization: `Bearer ${bearer}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'todo-chatbot-mcp-test', version: '0.1.0' });
  await client.connect(transport);
  return { client, transport };
}

/** A tool call as the test reads it: isError, the text, and the JSON (structured content, else the text parsed). */
async function call(client, name, args) {
  try {
    const result = await client.callTool({ name, arguments: args });
    const text = result.content?.find((c) => c.type === 'text')?.text ?? null;
    let json = result.structuredContent ?? null;
    if (json === null && text !== null && !result.isError) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    return { isError: result.isError === true, text, json, structured: result.structuredContent !== undefined };
  } catch (e) {
    return { protocolError: `${e.name}: ${e.message}` };
  }
}

const summary = { run: `run${randomUUID().slice(0, 8)}` };
let exitCode = 0;
try {
  const alice = await connect(token);
  summary.server = {
    ...alice.client.getServerVersion(),
    protocolVersion: alice.transport.protocolVersion,
    sessionId: alice.transport.sessionId ?? null,
    instructions: alice.client.getInstructions() ?? null,
    tools: alice.client.getServerCapabilities()?.tools !== undefined,
  };
  const listed = await alice.client.listTools();
  summary.tools = listed.tools.map((t) => ({ name: t.name, hasDescription: !!t.description, schemaType: t.inputSchema?.type }));

  const steps = {};
  const title = `Buy oat milk ${summary.run}`;
  steps.add_task = await call(alice.client, 'add_task',
    { title, priority: 'high', tags: ['groceries'], dueAt: '2026-12-01T15:00' });
  const id = steps.add_task.json?.task?.id;
  summary.taskId = id ?? null;
  steps.list_tasks = await call(alice.client, 'list_tasks', {});
  steps.search_tasks = await call(alice.client, 'search_tasks', { query: summary.run });
  steps.set_task_priority = await call(alice.client, 'set_task_priority', { id, priority: 'urgent' });
  steps.add_task_tags = await call(alice.client, 'add_task_tags', { id, tags: ['errands'] });
  steps.complete_task = await call(alice.client, 'complete_task', { id });
  steps.bad_arguments = await call(alice.client, 'set_task_priority', { id, priority: 'asap' });
  // not the tool's to judge: protocol errors (JSON-RPC -32602), in the protocol's words
  steps.unknown_tool = await call(alice.client, 'drop_database', {});
  steps.arguments_not_an_object = await call(alice.client, 'add_task', 'oops');
  await alice.client.close();

  const bob = await connect(otherToken);
  steps.other_list_tasks = await call(bob.client, 'list_tasks', { status: 'all', limit: 50 });
  steps.other_search_tasks = await call(bob.client, 'search_tasks', { query: summary.run, status: 'all' });
  steps.other_complete_task = await call(bob.client, 'complete_task', { id });
  await bob.client.close();
  summary.steps = steps;

  try {
    const nobody = await connect(null);
    await nobody.client.close();
    summary.withoutToken = { refused: false };
  } catch (e) {
    summary.withoutToken = { refused: true, message: `${e.name}: ${e.message}` };
  }
} catch (e) {
  summary.failure = `${e.name}: ${e.message}`;
  exitCode = 1;
}
process.stdout.write(JSON.stringify(summary) + '\n');
process.exitCode = exitCode;
