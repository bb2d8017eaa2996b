// Runs a batch against llmq with the official openai package: files.create -> batches.create -> batches.retrieve
// (until done) -> files.content; prints one JSON summary line. Usage: node batch.mjs <baseURL> <lines>
import OpenAI, { toFile } from 'openai';

const [baseURL, count] = [process.argv[2], Number(process.argv[3] ?? 100)];
const client = new OpenAI({ baseURL, apiKey: process.env.LLMQ_API_KEY ?? 'sk-llmq-e2e', maxRetries: 0 });

const lines = [];
for (let i = 0; i < count; i++) {
  lines.push(JSON.stringify({
    custom_id: `task-${i}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Question number ${i}` }] },
  }));
}
const file = await client.files.create({
  file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'batch.jsonl'),
  purpose: 'batch',
});
let batch = await client.batches.create({
  input_file_id: file.id,
  endpoint: '/v1/chat/completions',
  completion_window: '24h',
  metadata: { suite: 'e2e' },
});
const giveUp = Date.now() + 120_000;
while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
  if (Date.now() > giveUp) {
    throw new Error('batch did not finish: ' + JSON.stringify(batch));
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
  batch = await client.batches.retrieve(batch.id);
}
const results = {};
if (batch.output_file_id) {
  const content = await client.files.content(batch.output_file_id);
  for (const line of (await content.text()).split('\n').filter(Boolean)) {
    const result = JSON.parse(line);
    results[result.custom_id] = result.response.body.choices[0].message.content;
  }
}
let notFound = null;
try {
  await client.batches.retrieve('batch_AAAAAAAAAAAAAAAAAAAAAAAA');
} catch (error) {
  notFound = { status: error.status, message: error.message };
}
const listed = (await client.batches.list({ limit: 10 })).data.some((b) => b.id === batch.id);
console.log(JSON.stringify({
  fileId: file.id,
  batchId: batch.id,
  status: batch.status,
  counts: batch.request_counts,
  errors: batch.errors,
  results,
  listed,
  notFound,
}));
