// The clouds the provider contract suite runs against. Huawei and Alibaba add their fixture here.
import { aliyunFixture } from './aliyun.fixture';
import { awsFixture } from './aws.fixture';
import type { ContractFixture } from './fixture';
import { huaweiFixture } from './huawei.fixture';

export const FIXTURES: ContractFixture[] = [awsFixture, huaweiFixture, aliyunFixture];
