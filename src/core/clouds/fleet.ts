// Release to Fleet, for every cloud: a verified version goes to the fleet through a form the
// cloud's provider describes (its own questions and ranges) and one job the provider creates from
// the answers. The editor asks the questions (src/vscode/release/fleetWizard.ts), the CLI could
// too; neither knows which cloud it talks to. Pure data and functions: no SDK, no vscode.

/** The verified version the rollout starts from (a release that PASSED on the bench). */
export interface FleetSource {
  packageName: string;
  version: string;
  /** The cloud's id of the version (AWS versionName, Huawei package_id, Alibaba FirmwareId). */
  versionId?: string;
  /** The version's cloud reference (AWS package-version ARN). */
  versionRef?: string;
  /** The bench's verify job, whose document/settings the fleet job repeats. */
  verifyJobId: string;
  verifyJobRef?: string;
}

/** Answers so far, by question key: text as typed, numbers as numbers, `null` for an empty optional one. */
export type FleetAnswers = Record<string, string | number | null>;

interface QuestionBase {
  key: string;
  /** Asked only when this says so (e.g. the rate's numbers only for a rate limit). */
  when?: (a: FleetAnswers) => boolean;
  /** Offered again next time as the default (false for one-off answers such as a job id). */
  remember?: boolean;
}

export interface FleetOption {
  value: string;
  label: string;
  description?: string;
}

export interface PickQuestion extends QuestionBase {
  kind: 'pick';
  placeholder: string;
  /** The choices; a function when they depend on earlier answers (retry intervals below a timeout). */
  options: readonly FleetOption[] | ((a: FleetAnswers) => readonly FleetOption[]);
}

export interface InputQuestion extends QuestionBase {
  kind: 'text' | 'number';
  prompt: string;
  placeholder?: string;
  /** The value offered when nothing is remembered. */
  initial: string | ((a: FleetAnswers) => string);
  /** Empty is a valid answer (stored as null). */
  optional?: boolean;
  /** The problem with this value, as the user types it; undefined when it is fine. */
  check: (value: string | number, a: FleetAnswers) => string | undefined;
}

export type FleetQuestion = PickQuestion | InputQuestion;

export interface FleetForm {
  /** The noun of the rollout's object in messages ("fleet job", "upgrade job", "batch task"). */
  job: string;
  questions: readonly FleetQuestion[];
  /**
   * Checks the cloud makes before anything is confirmed (AWS: the thing groups exist). A sentence
   * re-asks question `key` with the typed value kept.
   */
  confirmAnswer?: (key: string, a: FleetAnswers) => Promise<string | undefined>;
  /** The confirmation: a title and one line per setting. */
  summary: (a: FleetAnswers) => { title: string; lines: string[] };
}

const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim()));

/**
 * One typed answer checked as the form says: the problem in one sentence, or the stored value.
 * One parser for the wizard and the provider (which checks the answers again before its call).
 */
export function readAnswer(q: InputQuestion, typed: string, a: FleetAnswers): { error: string } | { value: string | number | null } {
  if (typed.trim() === '') return q.optional ? { value: null } : { error: q.kind === 'number' ? 'Enter a number.' : 'Enter a value.' };
  let value: string | number = typed.trim();
  if (q.kind === 'number') {
    const n = num(typed)!;
    if (Number.isNaN(n)) return { error: `"${typed.trim()}" is not a number.` };
    value = n;
  }
  const error = q.check(value, a);
  return error ? { error } : { value };
}

/** The questions asked for these answers, in order (a `when` that says no skips one). */
export const askedQuestions = (form: FleetForm, a: FleetAnswers): FleetQuestion[] => form.questions.filter((q) => !q.when || q.when(a));

export const optionsOf = (q: PickQuestion, a: FleetAnswers): readonly FleetOption[] => (typeof q.options === 'function' ? q.options(a) : q.options);

const initialOf = (q: InputQuestion, a: FleetAnswers) => (typeof q.initial === 'function' ? q.initial(a) : q.initial);

/**
 * Answers given all at once (the CLI's --answers file and --set flags, or what a provider is
 * handed), read question by question as the wizard would: typed text parsed, each check run with
 * the answers before it. With `defaults`, an input question left out takes the form's initial
 * value, as the wizard offers it; a pick left out is always a problem.
 */
export function parseAnswers(form: FleetForm, given: Readonly<Record<string, unknown>>, opts: { defaults?: boolean } = {}): { answers: FleetAnswers; problems: string[] } {
  const answers: FleetAnswers = {};
  const problems: string[] = [];
  const next = () => askedQuestions(form, answers).find((q) => !(q.key in answers));
  for (let q = next(); q; q = next()) {
    const v = given[q.key];
    if (q.kind === 'pick') {
      const options = optionsOf(q, answers);
      const values = options.map((o) => o.value).join(', ');
      if (!options.some((o) => o.value === v)) problems.push(v === undefined ? `${q.key} (${q.placeholder}): not given; choose one of ${values}.` : `${q.key} (${q.placeholder}): "${String(v)}" is not one of ${values}.`);
      answers[q.key] = typeof v === 'string' ? v : null;
      continue;
    }
    const text = v === undefined ? (opts.defaults ? initialOf(q, answers) : '') : v === null ? '' : String(v);
    const r = readAnswer(q, text, answers);
    if ('error' in r) problems.push(`${q.key} (${q.prompt}): ${r.error}`);
    answers[q.key] = 'error' in r ? null : r.value;
  }
  return { answers, problems };
}

/**
 * Every problem with a complete set of answers, as the form itself would say it: a provider calls
 * this before it creates anything, so answers from a file or an older run meet the same checks.
 */
export const answerProblems = (form: FleetForm, a: FleetAnswers): string[] => parseAnswers(form, a).problems;

// Start and end times are typed as local time to the minute, for every cloud's form.
const pad2 = (n: number) => String(n).padStart(2, '0');

/** A moment as the forms show it: local time, to the minute ("YYYY-MM-DD HH:mm"). */
export function localTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** "YYYY-MM-DD HH:mm" in local time → ms; undefined when it is not such a time (2026-02-30 is not). */
export function parseLocalTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number);
  const t = new Date(y, mo - 1, d, h, mi);
  // Date rolls 2026-02-30 over to March: a time that does not read back is not a real one.
  return t.getFullYear() === y && t.getMonth() === mo - 1 && t.getDate() === d && t.getHours() === h && t.getMinutes() === mi ? t.getTime() : undefined;
}

/** The sentence for a typed time that is not one; `example`: the moment shown as a sample. */
export const localTimeProblem = (text: string, example: number): string | undefined =>
  parseLocalTime(text) === undefined ? `"${text}" is not a local time written YYYY-MM-DD HH:mm (e.g. ${localTime(example)}).` : undefined;
