// Asks llmq for its batches with the key in LLMQ_API_KEY and prints how the official openai package saw the answer:
// one JSON line {"status": <HTTP status or 200>, "message": ...}. Usage: node refused.mjs <baseURL>
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.argv[2], apiKey: process.env.LLMQ_API_KEY, maxRetries: 0 });
try {
  await client.batches.list({ limit: 1 });
  console.log(JSON.stringify({ status: 200, message: 'listed' }));
} catch (error) {
  console.log(JSON.stringify({ status: error.status ?? 0, message: error.message }));
}
