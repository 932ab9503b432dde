// The IoT Platform OTA actions on the wire (OpenAPI 2018-01-20), with the exact field names of the
// official models (cloud-apis.md §3.2). Requests are flattened into the query by sign.ts; the
// emulator answers with these shapes. Only fields we read or send are listed.

import type { RpcEnvelope } from './rpc';
import type { ApiSignMethod, TaskStatus } from './status';
import type { DownloadProtocol, FileSuffix, Tag, TargetSelection } from './limits';

/**
 * Largest PageSize per list, by what it lists. Here (no imports), so the descriptor can state them
 * without an import cycle and without naming the actions (no client vocabulary at activation);
 * limits.ts PAGE_SIZE gives them per action.
 */
export const PAGE_MAX = { firmware: 100, jobsOfFirmware: 200, tasksOfJob: 100 } as const;

/** `IotInstanceId` is optional on every call but required when the instance has one. */
export interface InstanceScoped {
  IotInstanceId?: string;
}

export interface Paged {
  CurrentPage: number;
  PageSize: number;
}

export interface PageInfo {
  CurrentPage?: number;
  PageSize?: number;
  PageCount?: number;
  Total?: number;
}

// --- GenerateOTAUploadURL -------------------------------------------------------------------

export interface GenerateOTAUploadURLRequest extends InstanceScoped {
  FileSuffix?: FileSuffix;
}

/** The OSS POST form; valid for one minute. */
export interface OssUploadForm {
  FirmwareUrl: string;
  Host: string;
  Key: string;
  OSSAccessKeyId: string;
  Policy: string;
  Signature: string;
  ObjectStorage?: string;
  UtcCreate?: string;
}

export interface GenerateOTAUploadURLResponse extends RpcEnvelope {
  Data?: OssUploadForm;
}

// --- Firmware -------------------------------------------------------------------------------

export interface CreateOTAFirmwareRequest extends InstanceScoped {
  FirmwareName: string;
  DestVersion: string;
  FirmwareUrl?: string;
  FirmwareSign?: string;
  SignMethod?: ApiSignMethod;
  FirmwareSize?: number;
  /** 0 full (default), 1 diff. */
  Type?: 0 | 1;
  SrcVersion?: string;
  ProductKey?: string;
  ModuleName?: string;
  NeedToVerify?: boolean;
  FirmwareDesc?: string;
  Udi?: string;
}

export interface CreateOTAFirmwareResponse extends RpcEnvelope {
  Data?: { FirmwareId: string; UtcCreate?: string };
}

export interface SimpleFirmwareInfo {
  FirmwareId: string;
  FirmwareName: string;
  DestVersion: string;
  SrcVersion?: string;
  FirmwareSign?: string;
  SignMethod?: string;
  FirmwareSize?: number;
  FirmwareDesc?: string;
  ModuleName?: string;
  ProductKey?: string;
  ProductName?: string;
  /** -1..3, see status.ts. */
  Status?: number;
  Type?: number;
  UtcCreate?: string;
  UtcModified?: string;
}

export interface ListOTAFirmwareRequest extends InstanceScoped, Paged {
  ProductKey?: string;
  DestVersion?: string;
}

export interface ListOTAFirmwareResponse extends RpcEnvelope, PageInfo {
  FirmwareInfo?: { SimpleFirmwareInfo?: SimpleFirmwareInfo[] };
}

export interface QueryOTAFirmwareRequest extends InstanceScoped {
  FirmwareId: string;
}

export interface FirmwareInfo extends SimpleFirmwareInfo {
  FirmwareUrl?: string;
  MultiFiles?: { Name?: string; Url?: string; Size?: number; SignValue?: string; FileMd5?: string }[];
  Udi?: string;
  /** 0–100 */
  VerifyProgress?: number;
}

export interface QueryOTAFirmwareResponse extends RpcEnvelope {
  FirmwareInfo?: FirmwareInfo;
}

// --- Jobs -----------------------------------------------------------------------------------

export interface CreateOTAVerifyJobRequest extends InstanceScoped {
  FirmwareId: string;
  ProductKey: string;
  TargetDeviceName: string[];
  TimeoutInMinutes: number;
  NeedPush?: boolean;
  NeedConfirm?: boolean;
  DownloadProtocol?: DownloadProtocol;
  Tag?: Tag[];
}

export interface CreateJobResponse extends RpcEnvelope {
  Data?: { JobId: string; UtcCreate?: string };
}

export interface CreateOTAStaticUpgradeJobRequest extends InstanceScoped {
  FirmwareId: string;
  ProductKey: string;
  TargetSelection: TargetSelection;
  SrcVersion?: string[];
  TargetDeviceName?: string[];
  DnListFileUrl?: string;
  GrayPercent?: string;
  GroupId?: string;
  GroupType?: 'LINK_PLATFORM';
  ScheduleTime?: number;
  ScheduleFinishTime?: number;
  RetryInterval?: number;
  RetryCount?: number;
  TimeoutInMinutes?: number;
  MaximumPerMinute?: number;
  OverwriteMode?: 1 | 2;
  NeedPush?: boolean;
  NeedConfirm?: boolean;
  DownloadProtocol?: DownloadProtocol;
  Tag?: Tag[];
}

export interface OtaTags {
  OtaTagDTO?: Tag[];
}

export interface SimpleOTAJobInfo {
  JobId: string;
  FirmwareId?: string;
  ProductKey?: string;
  JobStatus?: string;
  JobType?: string;
  SelectionType?: 'STATIC' | 'DYNAMIC';
  TargetSelection?: string;
  Tags?: OtaTags;
  UtcCreate?: string;
  UtcModified?: string;
  UtcStartTime?: string;
  UtcEndTime?: string;
}

export interface ListOTAJobByFirmwareRequest extends InstanceScoped, Paged {
  FirmwareId: string;
}

export interface ListOTAJobByFirmwareResponse extends RpcEnvelope, PageInfo {
  Data?: { SimpleOTAJobInfo?: SimpleOTAJobInfo[] };
}

export interface QueryOTAJobRequest extends InstanceScoped {
  JobId: string;
}

export interface OTAJobInfo extends SimpleOTAJobInfo {
  Name?: string;
  JobDesc?: string;
  DestVersion?: string;
  SrcVersions?: { SrcVersion?: string[] };
  GrayPercent?: string;
  GroupId?: string;
  GroupName?: string;
  DynamicMode?: number;
  DownloadProtocol?: string;
  MaximumPerMinute?: number;
  MultiModuleMode?: boolean;
  NeedConfirm?: boolean;
  NeedPush?: boolean;
  OverwriteMode?: number;
  RetryCount?: number;
  RetryInterval?: number;
  TimeoutInMinutes?: number;
  UtcScheduleTime?: string;
  UtcScheduleFinishTime?: string;
}

export interface QueryOTAJobResponse extends RpcEnvelope {
  Data?: OTAJobInfo;
}

// --- Device tasks ---------------------------------------------------------------------------

export interface ListOTATaskByJobRequest extends InstanceScoped, Paged {
  JobId: string;
  TaskStatus?: TaskStatus;
  DeviceNames?: string[];
}

export interface SimpleOTATaskInfo {
  TaskId: string;
  JobId?: string;
  FirmwareId?: string;
  IotId?: string;
  DeviceName: string;
  ProductKey?: string;
  ProductName?: string;
  SrcVersion?: string;
  DestVersion?: string;
  TaskStatus?: string;
  /** Percent as a string. */
  Progress?: string;
  /** The reason on failure, timeout or cancel. */
  TaskDesc?: string;
  Timeout?: string | number | null;
  UtcCreate?: string;
  UtcModified?: string;
}

export interface ListOTATaskByJobResponse extends RpcEnvelope, PageInfo {
  Data?: { SimpleOTATaskInfo?: SimpleOTATaskInfo[] };
}

export interface CancelOTATaskByJobRequest extends InstanceScoped {
  JobId: string;
  CancelScheduledTask?: boolean;
  CancelQueuedTask?: boolean;
  CancelInProgressTask?: boolean;
  CancelNotifiedTask?: boolean;
  CancelUnconfirmedTask?: boolean;
}

/** A device's tasks that are not finished (a device takes one task at a time: these hold it). */
export interface ListOTAUnfinishedTaskByDeviceRequest extends InstanceScoped {
  ProductKey: string;
  DeviceName: string;
  ModuleName?: string;
  TaskStatusList?: TaskStatus[];
}

export interface ListOTAUnfinishedTaskByDeviceResponse extends RpcEnvelope {
  Data?: { SimpleOTATaskInfo?: SimpleOTATaskInfo[] };
}

/** Action → [request, response], so a typed `call` can be built over RpcClient. */
export interface OtaActions {
  GenerateOTAUploadURL: [GenerateOTAUploadURLRequest, GenerateOTAUploadURLResponse];
  CreateOTAFirmware: [CreateOTAFirmwareRequest, CreateOTAFirmwareResponse];
  ListOTAFirmware: [ListOTAFirmwareRequest, ListOTAFirmwareResponse];
  QueryOTAFirmware: [QueryOTAFirmwareRequest, QueryOTAFirmwareResponse];
  CreateOTAVerifyJob: [CreateOTAVerifyJobRequest, CreateJobResponse];
  CreateOTAStaticUpgradeJob: [CreateOTAStaticUpgradeJobRequest, CreateJobResponse];
  ListOTAJobByFirmware: [ListOTAJobByFirmwareRequest, ListOTAJobByFirmwareResponse];
  QueryOTAJob: [QueryOTAJobRequest, QueryOTAJobResponse];
  ListOTATaskByJob: [ListOTATaskByJobRequest, ListOTATaskByJobResponse];
  CancelOTATaskByJob: [CancelOTATaskByJobRequest, RpcEnvelope];
  ListOTAUnfinishedTaskByDevice: [ListOTAUnfinishedTaskByDeviceRequest, ListOTAUnfinishedTaskByDeviceResponse];
}
export type OtaAction = keyof OtaActions;

// --- Device side (Alink MQTT topics, §3.4) --------------------------------------------------

export const deviceTopics = (productKey: string, deviceName: string) => ({
  upgrade: `/ota/device/upgrade/${productKey}/${deviceName}`,
  progress: `/ota/device/progress/${productKey}/${deviceName}`,
  inform: `/ota/device/inform/${productKey}/${deviceName}`,
  firmwareGet: `/sys/${productKey}/${deviceName}/thing/ota/firmware/get`,
  firmwareGetReply: `/sys/${productKey}/${deviceName}/thing/ota/firmware/get_reply`,
});

export interface UpgradePush {
  code: string;
  data: {
    size: number;
    version: string;
    url: string;
    sign: string;
    signMethod: 'Md5' | 'SHA256';
    md5?: string;
    isDiff?: number;
    module?: string;
    extData?: Record<string, string>;
  };
  id: number | string;
  message: string;
}

export interface ProgressReport {
  id: string;
  params: { step: string; desc?: string; module?: string };
}

export interface VersionReport {
  id: string;
  params: { version: string; module?: string };
}
