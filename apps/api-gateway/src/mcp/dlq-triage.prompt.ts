import type { GetPromptResult, Prompt } from '@modelcontextprotocol/sdk/types.js';

/** The tool an agent starts a triage with: the prompt is offered to those who may call it. */
export const TRIAGE_NEEDS_TOOL = 'listDlqGroups';

export const TRIAGE_PROMPT: Prompt = {
  name: 'triage-dead-letter-queue',
  title: 'Triage the dead-letter queue',
  description:
    'Walks through the quarantined messages by kind of failure, explains each, and proposes a replay or a discard for the user to confirm',
  arguments: [{ name: 'topic', description: 'only this live topic, e.g. order.events', required: false }],
};

/** The triage instructions, for one topic or all. */
export function triagePrompt(topic?: string): GetPromptResult {
  const scope = topic ? ` on the topic ${topic}` : '';
  const text = [
    `Triage the dead-letter queue${scope} with me. Work in this order and show me what you found at each step:`,
    `1. Call listDlqGroups${topic ? ` with topic "${topic}"` : ''} to see the kinds of failure (fingerprints), largest and oldest first.`,
    '2. For each group, call explainDlqGroup with its fingerprint (its error chain, and the event contract it broke with the failing fields), then getDlqMessage on its sample entry: the decoded payload, provenance and history. Call getConsumerLag to see whether the consumer that failed is keeping up.',
    '3. Compare the payload with the event contract (resources contracts://events/{type}) to tell a bad message from a consumer bug or an outage that has passed.',
    '4. Propose, per group: replay (the cause is fixed or was transient), discard (the message can never be handled; say why), or leave it (the cause is not fixed yet). Say how many messages each action touches.',
    '5. Replay and discard cannot be undone: only after I agree to a specific action, call it with confirm: true. Never set confirm on your own.',
  ].join('\n');
  return {
    description: TRIAGE_PROMPT.description,
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}
