import { z } from 'zod';
import type { JsonValue } from '../../weft/types';
import { defineNode, isConfigObject, NodeFailure, outputsOf, type NodeRunContext, type NodeRunResult } from '../definition';
import { nodeFetch, readLimitedBody, requestFailure, timeLimit } from '../fetching';
import { costUsd, type TokenUsage } from './llmCost';

/** The reference's model when neither the config input nor the node's own fields name one. */
export const DEFAULT_MODEL = 'anthropic/claude-sonnet-4.6';

/** The config input (what an LlmConfig node outputs), or else the node's own fields. */
const llmSettingsSchema = z.looseObject({
  model: z.string().min(1, 'needs a model name').nullish().transform((model) => model ?? DEFAULT_MODEL),
  systemPrompt: z.string().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  maxTokens: z.number().int().positive().nullish(),
  topP: z.number().nullish(),
  frequencyPenalty: z.number().nullish(),
  presencePenalty: z.number().nullish(),
  seed: z.number().int().nullish(),
  apiKey: z.string().nullish(),
  baseUrl: z.string().nullish(),
});

type LlmSettings = z.infer<typeof llmSettingsSchema>;

/** What an OpenAI-compatible /chat/completions answers, as far as we read it. */
const completionSchema = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({ message: z.object({ content: z.string() }), finish_reason: z.string().nullish() })).min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).nullish(),
});

type Completion = z.infer<typeof completionSchema>;

/**
 * As the reference: a config dict on the config input gives every setting (the node's own fields are
 * then ignored); otherwise the node's own fields do. A wired or filled systemPrompt input wins over both.
 */
function llmSettings(context: NodeRunContext): LlmSettings {
  const wired = isConfigObject(context.inputs.config ?? null);
  const parsed = llmSettingsSchema.safeParse(wired ? context.inputs.config : context.config);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
    const where = wired ? 'the config input is not an LLM config' : 'the LLM settings of this node are not valid';
    throw new NodeFailure(`${where}: ${problems.join('; ')}`);
  }
  const settings = { ...parsed.data };
  // As the reference: an empty key, "__PLATFORM__" or "__BYOK__" means the platform's key.
  if (settings.apiKey === '' || settings.apiKey === '__PLATFORM__' || settings.apiKey === '__BYOK__') settings.apiKey = undefined;
  const systemPrompt = context.inputs.systemPrompt;
  return typeof systemPrompt === 'string' ? { ...settings, systemPrompt } : settings;
}

function endpointOf(settings: LlmSettings, context: NodeRunContext): string {
  const baseUrl = settings.baseUrl ?? context.settings.llm.baseUrl;
  if (!baseUrl) {
    throw new NodeFailure(
      'no LLM endpoint is configured: set LLM_BASE_URL on the server to an OpenAI-compatible base URL ' +
        '(e.g. https://api.openai.com/v1), or baseUrl on the LlmConfig node',
    );
  }
  return `${baseUrl.replace(/\/+$/, '')}/chat/completions`;
}

function requestBody(settings: LlmSettings, prompt: string): string {
  const messages = [
    ...(settings.systemPrompt ? [{ role: 'system', content: settings.systemPrompt }] : []),
    { role: 'user', content: prompt },
  ];
  const tuning = {
    temperature: settings.temperature, max_tokens: settings.maxTokens, top_p: settings.topP,
    frequency_penalty: settings.frequencyPenalty, presence_penalty: settings.presencePenalty, seed: settings.seed,
  };
  const given = Object.entries(tuning).filter(([, value]) => value !== undefined && value !== null);
  return JSON.stringify({ model: settings.model, messages, ...Object.fromEntries(given) });
}

async function complete(context: NodeRunContext, settings: LlmSettings, prompt: string): Promise<Completion> {
  const url = endpointOf(settings, context);
  const apiKey = settings.apiKey ?? context.settings.llm.apiKey;
  const what = `the LLM endpoint ${url}`;
  const limit = timeLimit(context.signal, context.settings.llm.timeoutMs);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const response = await nodeFetch(context, url, { method: 'POST', headers, body: requestBody(settings, prompt), signal: limit.signal }).catch((error: unknown) => {
    throw requestFailure(error, what, limit);
  });
  const text = await readLimitedBody(response, context.settings.http.maxBodyBytes, limit, what);
  if (!response.ok) throw new NodeFailure(`${what} answered ${response.status}: ${errorMessageOf(text)}`, { status: response.status, body: text });
  const parsed = completionSchema.safeParse(parseJsonText(text));
  if (!parsed.success) throw new NodeFailure(`${what} did not answer like an OpenAI-compatible chat completion`, { body: text });
  return parsed.data;
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The provider's own error message when it gives one (OpenAI: {"error": {"message": …}}). */
function errorMessageOf(text: string): string {
  const body = parseJsonText(text);
  const error = isConfigObject(body as JsonValue) ? (body as Record<string, JsonValue>).error : undefined;
  if (isConfigObject(error) && typeof error.message === 'string') return error.message;
  if (typeof error === 'string') return error;
  return text.slice(0, 500) || '(empty body)';
}

/** The reply as JSON when it parses (models often wrap it in a ```json fence, removed first), else the text itself. */
function replyAsJson(reply: string): JsonValue {
  const fenced = /^\s*```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(reply);
  const parsed = parseJsonText(fenced ? fenced[1]! : reply);
  return parsed === undefined ? reply : (parsed as JsonValue);
}

/**
 * As the reference: `response` is the reply text, or with parseJson its JSON value; a JSON object
 * also gives each declared output of the same key (a missing key is null). The declared type of
 * each output is checked when the node's outputs are.
 */
function replyOutputs(context: NodeRunContext, reply: string): Record<string, JsonValue> {
  if (context.config.parseJson !== true && context.config.parseJson !== 'true') return { response: reply };
  const value = replyAsJson(reply);
  const split = isConfigObject(value) ? outputsOf(context, value) : {};
  return { ...split, response: value };
}

function usageOf(completion: Completion): TokenUsage {
  return { promptTokens: completion.usage?.prompt_tokens ?? 0, completionTokens: completion.usage?.completion_tokens ?? 0 };
}

/** Asks the model; records tokens and their cost from the server's price table (0 for a model it does not price). */
export async function runLlmInference(context: NodeRunContext): Promise<NodeRunResult> {
  const settings = llmSettings(context);
  const given = context.inputs.prompt ?? context.inputs.data ?? '';
  const prompt = typeof given === 'string' ? given : JSON.stringify(given);
  const completion = await complete(context, settings, prompt);
  const reply = completion.choices[0]!.message.content;
  const usage = usageOf(completion);
  const cost = costUsd(settings.model, usage, context.settings.llm.prices);
  const details: Record<string, JsonValue> = {
    model: settings.model,
    ...(completion.model && completion.model !== settings.model ? { answeredBy: completion.model } : {}),
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    finishReason: completion.choices[0]!.finish_reason ?? null,
    costUsd: cost ?? '0',
  };
  if (cost === undefined) details.pricing = `no price for model "${settings.model}" in the server's price table; cost recorded as 0`;
  if (!completion.usage) details.usage = 'the endpoint reported no token usage';
  try {
    return { outputs: replyOutputs(context, reply), costUsd: cost ?? '0', details };
  } catch (error) {
    // The call was made and paid for: keep its tokens and cost with the failure.
    if (error instanceof NodeFailure) throw new NodeFailure(error.message, { ...details, ...error.details });
    throw error;
  }
}

export const llmInferenceNode = defineNode('LlmInference', {
  description:
    'Asks a language model (an OpenAI-compatible endpoint set by the server). Its settings come from a wired LlmConfig, else its own fields; declare the response type, and with parseJson the JSON reply also fills declared outputs of the same keys.',
  category: 'AI',
  run: runLlmInference,
});
