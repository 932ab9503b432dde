// The release record (plain JSON, persisted after every step so a re-run resumes where the last
// one stopped) and the events a run emits. Nothing here holds a Date, a Buffer or a function:
// the editor keeps the record in workspaceState, tests in a file or in memory.

import type { CloudKind } from '../profiles';
import type { Rollout } from '../model';
import type { VersionSource } from '../version/read';
import type { SigningSettings } from './signingSettings';
import type { EvidenceConfig } from './evidence';

export const STEP_IDS = ['build', 'locate', 'version', 'sign', 'upload', 'register', 'publish', 'start-verify', 'watch', 'verdict'] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_TITLES: Record<StepId, string> = {
  build: 'Build',
  locate: 'Locate artifact',
  version: 'Read version',
  sign: 'Hash and sign',
  upload: 'Upload',
  register: 'Register version',
  publish: 'Publish version',
  'start-verify': 'Start verify job',
  watch: 'Watch job',
  verdict: 'Verdict',
};

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'canceled';

export interface StepRecord {
  id: StepId;
  status: StepStatus;
  /** Runs of this step (a resume counts again). */
  attempts: number;
  startedAt?: number;
  endedAt?: number;
  durationMs?: number;
  /** One line of what the step did ("Uploaded 4.0 MB", "Reused registered version 1.4.2"). */
  summary?: string;
  /** True when the step found its result already there (nothing created again). */
  reused?: boolean;
  reason?: string;
  action?: string;
}

/** What a release is told to do. Stored in the record so a resume does the same thing. */
export interface ReleaseConfig {
  /** Workspace folder: the build, the artifact glob and the version file are relative to it. */
  root: string;
  /** Profile name (the record belongs to one profile). */
  profile: string;
  cloud: CloudKind;
  packageName: string;
  /** Glob relative to `root`, e.g. build/**\/*.bin; exactly one file must match. */
  artifact: string;
  version: VersionSource;
  signing: SigningSettings;
  /** Clouds whose version rules the version must pass (default: the target cloud). */
  validateFor?: CloudKind[];
  /** Bench device; default: the profile's (thingName / deviceId / deviceName). */
  target?: string;
  description?: string;
  attributes?: Record<string, string>;
  /** The verify job's own timeout on the cloud. */
  jobTimeoutMinutes?: number;
  /**
   * What the board prints when it boots the new image. `{version}` stands for the expected
   * version (escaped); without it, the pattern's first group must capture a version equal to it.
   */
  banner?: string;
  /** Crash patterns, boot loop, log-level pattern, version query, ELF (see evidence.ts). */
  evidence?: EvidenceConfig;
  watch?: { intervalMs?: number; /** Give up watching (resumable) after this long. */ timeoutMs?: number; /** After the job succeeds, how long to wait for the banner. */ bannerGraceMs?: number };
}

export interface ArtifactRecord {
  path: string;
  /** Relative to the workspace root, for messages. */
  relPath: string;
  size: number;
  mtimeMs: number;
  sha256Hex?: string;
  md5Hex?: string;
  signatureBase64?: string;
  signatureAlgorithm?: 'ECDSA' | 'RSA';
  certificateName?: string;
  /** Version stamped in the image, when it carries one. */
  embeddedVersion?: string;
}

export interface PublishRecord {
  packageId: string;
  versionId: string;
  version: string;
  status: string;
  arn?: string;
  location: Record<string, string>;
  reused: { upload: boolean; register: boolean };
}

export interface JobRecord {
  /** The cloud's id of the job once it answered (AWS: the reference itself). */
  id: string;
  /** The client reference stored before asking the cloud (verifyReference); resume finds the job by it. */
  reference?: string;
  /** Jobs that already held the bench board when this one was started (the user let it wait). */
  behind?: string[];
  arn?: string;
  /** When we asked for it: serial lines from then on count for the verdict. */
  requestedAt: number;
  /** False between "id recorded" and "the cloud answered": a resume first looks for it. */
  created: boolean;
}

export interface ExecutionSummary {
  target: string;
  status: string;
  rawStatus: string;
  progress?: number;
  statusDetails?: Record<string, string>;
}

export interface RolloutSummary {
  at: number;
  jobStatus: string;
  rawJobStatus: string;
  done: boolean;
  counts: Record<string, number>;
  executions: ExecutionSummary[];
}

export interface SerialLine {
  /** Host time (ms since the epoch) at the line's first byte. */
  t: number;
  text: string;
  /** As the monitor frames lines; only 'rx' (or absent) lines come from the board. */
  dir?: 'rx' | 'tx' | 'sys';
}

export interface Verdict {
  result: 'passed' | 'failed';
  /** Why, in sentences (the cloud's reason, what serial showed or did not show). */
  reasons: string[];
  /** The line in which the board reported the expected version. */
  bannerLine?: SerialLine;
  /** Last relevant serial lines (errors, resets, versions), for a failed verdict. */
  serialLines: SerialLine[];
  execution?: ExecutionSummary;
  /** What showed the board runs the version: its boot banner, or its reply to the version query. */
  evidence?: { kind: 'banner' | 'query'; line: SerialLine };
  /** Crashes and boot loops after the update (each fails the verdict), with decoded backtraces. */
  crashes?: { name: string; kind: 'crash' | 'boot-loop'; lines: SerialLine[]; decoded?: string[]; decodeNote?: string }[];
  /** The board's version before the job and how it was learnt; `same` when it already ran the version. */
  before?: { version?: string; how: 'query' | 'banner' | 'unknown'; line?: SerialLine; same: boolean };
  /** Warnings and errors the board printed after the update: notes that never flip the verdict. */
  notes?: string[];
  /** With several bench boards: each board's own verdict (the release passes only when all passed). */
  boards?: { board?: string; target: string; result: 'passed' | 'failed'; reasons: string[]; evidence?: Verdict['evidence']; crashes?: Verdict['crashes']; notes?: string[] }[];
}

/** 'stopped': ran the steps it was asked for (e.g. up to signing); a resume continues from there. */
export type ReleaseStatus = 'running' | 'passed' | 'failed' | 'canceled' | 'stopped';

export interface ReleaseRecord {
  schema: 1;
  id: string;
  config: ReleaseConfig;
  status: ReleaseStatus;
  createdAt: number;
  updatedAt: number;
  steps: StepRecord[];
  /** Where a re-run starts (set when a run stops early). */
  resumeAt?: StepId;
  /** What a stop left half-done, in one sentence ("Uploaded but not registered: …"). */
  note?: string;
  version?: { value: string; origin: string };
  artifact?: ArtifactRecord;
  /**
   * Bytes the provider reported sent in the last upload attempt, and where the uploaded image lives
   * before it is registered (`location`, when the cloud cannot be searched for it: Alibaba OSS).
   */
  upload?: { done: number; total?: number; complete: boolean; location?: Record<string, string> };
  publish?: PublishRecord;
  job?: JobRecord;
  /** Verify jobs of earlier attempts that failed their verdict. */
  previousJobs?: JobRecord[];
  rollout?: RolloutSummary;
  /** The board's version just before the verify job was requested (query or last banner). */
  boardBefore?: Verdict['before'];
  /** With several bench boards: what each targeted device's board ran before the job. */
  boardsBefore?: Record<string, NonNullable<Verdict['before']>>;
  verdict?: Verdict;
}

export type ReleaseEvent =
  | { type: 'step'; at: number; step: StepId; title: string; status: 'started' | 'done' | 'skipped' | 'failed' | 'canceled'; summary?: string; reason?: string; action?: string; reused?: boolean; durationMs?: number }
  | { type: 'progress'; at: number; step: StepId; message?: string; done?: number; total?: number; /** 0–100 when known. */ percent?: number }
  | { type: 'log'; at: number; step: StepId; text: string }
  | { type: 'rollout'; at: number; rollout: Rollout }
  | { type: 'serial-match'; at: number; line: SerialLine }
  /** A crash or boot loop on the board during the release (the timeline marks it). */
  | { type: 'serial-crash'; at: number; name: string; kind: 'crash' | 'boot-loop'; line: SerialLine }
  /** The board's port went away or came back during the release. */
  | { type: 'serial-port'; at: number; state: 'lost' | 'back'; message: string }
  | { type: 'release'; at: number; status: ReleaseStatus; message: string; record: ReleaseRecord };

export type ReleaseListener = (e: ReleaseEvent) => void;
