/**
 * Runs one job of a GitHub workflow file's steps in order, here, as the runner would: each
 * step's `if:` (default `success()`), `env` and `with` with their `${{ }}` expressions,
 * `continue-on-error`, a fresh `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` file per step, and
 * `run:` scripts through `bash -e` (GitHub's default shell) in the working directory. A `uses:`
 * step cannot run here: the caller gives a recorder for each action, which gets the evaluated
 * inputs. Only the expression forms the workflows use are understood (context paths, string
 * literals, `==`, `!=`, `||`, `&&`, `success()`, `failure()`, `always()`); anything else throws,
 * so that a new form fails the test instead of being guessed at.
 */
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  if?: string;
  'continue-on-error'?: boolean;
}

export interface StepRecord {
  /** The step's name, id, `run` or `uses`, for messages. */
  label: string;
  status: 'ran' | 'skipped' | 'recorded';
  outcome?: 'success' | 'failure';
  exitCode?: number;
  ms: number;
  stdout: string;
  stderr: string;
}

/** What a recorder of a `uses:` step gets: its inputs, evaluated, and the step's environment. */
export interface ActionCall {
  uses: string;
  inputs: Record<string, string>;
  env: Record<string, string>;
}

export interface RunJobOptions {
  steps: readonly WorkflowStep[];
  /** The checkout: where `run:` scripts run. */
  workspace: string;
  /** `runner.temp`. */
  runnerTemp: string;
  /** Contexts: `github`, `inputs`, `secrets`, `vars` (missing values are empty strings). */
  contexts: Record<string, Record<string, string>>;
  /** The environment every step starts from (PATH and the like). */
  baseEnv: Record<string, string>;
  /** Stand-ins for `uses:` steps, by action name without the version (`actions/checkout`). */
  actions: Record<string, (call: ActionCall) => Promise<void> | void>;
  /** Replaces the script of a `run:` step (by its exact text); says why in the test. */
  replaceRun?: Record<string, string>;
  /** Bound on one step's wall time. */
  stepTimeoutMs?: number;
}

type Value = string | boolean;

function lookup(contexts: Record<string, unknown>, dotted: string): string {
  let node: unknown = contexts;
  for (const part of dotted.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return '';
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : node === undefined ? '' : JSON.stringify(node);
}

const truthy = (value: Value): boolean => value !== '' && value !== false;

/** Evaluates one expression (the text inside `${{ }}`, or an `if:`). */
export function evaluate(
  expression: string,
  contexts: Record<string, unknown>,
  status: { failed: boolean },
): Value {
  const tokens =
    expression.match(/'(?:[^']|'')*'|==|!=|\|\||&&|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|\S/g) ??
    [];
  let at = 0;
  const operand = (): Value => {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`expression ends early: ${expression}`);
    if (token === '(') {
      const value = or();
      if (tokens[at++] !== ')') throw new Error(`missing ) in ${expression}`);
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (token === 'success()') return !status.failed;
    if (token === 'failure()') return status.failed;
    if (token === 'always()') return true;
    if (token === 'true' || token === 'false') return token === 'true';
    if (/^[A-Za-z_][\w.-]*$/.test(token)) return lookup(contexts, token);
    throw new Error(`expression form not understood here: ${token} in ${expression}`);
  };
  const comparison = (): Value => {
    const left = operand();
    const op = tokens[at];
    if (op !== '==' && op !== '!=') return left;
    at++;
    const right = operand();
    // GitHub compares strings case-insensitively.
    const equal = String(left).toLowerCase() === String(right).toLowerCase();
    return op === '==' ? equal : !equal;
  };
  const and = (): Value => {
    let value = comparison();
    while (tokens[at] === '&&') {
      at++;
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  function or(): Value {
    let value = and();
    while (tokens[at] === '||') {
      at++;
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  }
  const value = or();
  if (at !== tokens.length) throw new Error(`expression form not understood here: ${expression}`);
  return value;
}

/** A string with its `${{ }}` parts evaluated. */
export function interpolate(
  text: string,
  contexts: Record<string, unknown>,
  status: { failed: boolean },
): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) =>
    String(evaluate(expression.trim(), contexts, status)),
  );
}

/** `name=value` lines and `name<<DELIM` blocks, as GitHub reads GITHUB_OUTPUT. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      outputs[block[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function runScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-e', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 137 : 1), stdout, stderr });
    });
  });
}

/** Runs the steps in order; returns one record per step, and the step summaries joined. */
export async function runJob(options: RunJobOptions): Promise<{
  records: StepRecord[];
  summary: string;
  outputs: Record<string, Record<string, string>>;
}> {
  const steps: Record<
    string,
    { outputs: Record<string, string>; outcome: string; conclusion: string }
  > = {};
  const contexts: Record<string, unknown> = {
    ...options.contexts,
    runner: { temp: options.runnerTemp, os: 'Linux' },
    steps,
  };
  const status = { failed: false };
  const records: StepRecord[] = [];
  let summary = '';
  const commands = path.join(options.runnerTemp, '_runner_file_commands');
  await mkdir(commands, { recursive: true });
  for (const [index, step] of options.steps.entries()) {
    const label = step.name ?? step.id ?? step.run ?? step.uses ?? `step ${index + 1}`;
    const started = performance.now();
    const condition = step.if ?? 'success()';
    // An `if:` without a status function means `success() && (...)`.
    const guarded = /\b(success|failure|always)\(\)/.test(condition)
      ? condition
      : `success() && (${condition})`;
    const run = truthy(evaluate(guarded, contexts, status));
    if (!run) {
      records.push({ label, status: 'skipped', ms: 0, stdout: '', stderr: '' });
      if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      continue;
    }
    const env: Record<string, string> = { ...options.baseEnv };
    for (const [name, value] of Object.entries(step.env ?? {}))
      env[name] = interpolate(String(value), contexts, status);
    const outputFile = path.join(commands, `output_${index}`);
    const summaryFile = path.join(commands, `step_summary_${index}`);
    await writeFile(outputFile, '');
    await writeFile(summaryFile, '');
    Object.assign(env, {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: options.runnerTemp,
      GITHUB_SERVER_URL: lookup(contexts, 'github.server_url'),
      GITHUB_REPOSITORY: lookup(contexts, 'github.repository'),
      GITHUB_RUN_ID: lookup(contexts, 'github.run_id'),
      GITHUB_EVENT_NAME: lookup(contexts, 'github.event_name'),
    });
    let record: StepRecord;
    if (step.uses !== undefined) {
      const action = step.uses.replace(/@.*$/, '');
      const recorder = options.actions[action];
      if (!recorder) throw new Error(`no recorder given for ${step.uses} (it cannot run here)`);
      const inputs: Record<string, string> = {};
      for (const [name, value] of Object.entries(step.with ?? {}))
        inputs[name] = interpolate(String(value), contexts, status);
      await recorder({ uses: step.uses, inputs, env });
      record = { label, status: 'recorded', outcome: 'success', ms: 0, stdout: '', stderr: '' };
    } else {
      const script = options.replaceRun?.[step.run!] ?? step.run!;
      const result = await runScript(
        interpolate(script, contexts, status),
        options.workspace,
        env,
        options.stepTimeoutMs ?? 600_000,
      );
      record = {
        label,
        status: 'ran',
        outcome: result.code === 0 ? 'success' : 'failure',
        exitCode: result.code,
        ms: 0,
        stdout: result.stdout,
        stderr: result.stderr,
      };
    }
    record.ms = performance.now() - started;
    records.push(record);
    summary += await readFile(summaryFile, 'utf8');
    const outcome = record.outcome!;
    const conclusion = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome;
    if (conclusion === 'failure') status.failed = true;
    if (step.id)
      steps[step.id] = {
        outputs: parseOutputs(await readFile(outputFile, 'utf8')),
        outcome,
        conclusion,
      };
  }
  return {
    records,
    summary,
    outputs: Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.outputs])),
  };
}
