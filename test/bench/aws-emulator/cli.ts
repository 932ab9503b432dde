// Runs the AWS emulator as a process (the demo, benches that measure the client side alone):
//   npx tsx test/bench/aws-emulator/cli.ts [--port 4566] [--mqtt-port 1883] [--region us-east-1]
//     [--minute-ms 60000] [--seed-jobs 1000] [--seed-packages 3] [--seed-history] [--signing-profile name]
// Prints one JSON line with endpoint, mqttUrl, region, credentials and a ready-made profile, then
// serves until SIGINT/SIGTERM. Faults over HTTP (the emulator kit's): POST <endpoint>/__admin/faults
// {"kind":"throttle"|"error"|"drop"|"lose-reply"|"hang"|"delay","count":N,"service":"iot"|"s3"|"signer",
//  "action":"CreateJob","pathPrefix":"/jobs"} or {"schedule":{"seed":1,"rates":{"throttle":0.1}}}.

import { cliOptions, runCli, serveUntilSignal } from '../kit/cli';
import { startAwsEmulator } from './index';
import { seedHistory } from './seed';

async function main(): Promise<void> {
  const { opt, num, flag } = cliOptions();
  const aws = await startAwsEmulator({ port: num('port'), mqttPort: num('mqtt-port'), region: opt('region'), minuteMs: num('minute-ms') });
  const jobs = num('seed-jobs');
  if (jobs) aws.seed.jobs(jobs);
  const packages = num('seed-packages') ?? 0;
  for (let i = 1; i <= packages; i++) await aws.seed.packageWithVersions(`demo-package-${i}`, ['1.0.0', '1.1.0', '1.2.0'], 2);
  // The demo's past: packages in every state and a few dozen jobs, so paging and filters can be tried.
  if (flag('seed-history')) await seedHistory(aws);
  const signer = opt('signing-profile');
  const cert = signer ? aws.seed.signingProfile(signer) : undefined;
  serveUntilSignal(
    { endpoint: aws.endpoint, mqttUrl: aws.mqttUrl, region: aws.region, credentials: aws.credentials, profile: aws.profile(), signerCertificatePem: cert?.publicKeyPem },
    `aws emulator ready at ${aws.endpoint} (mqtt ${aws.mqttUrl})`,
    () => aws.close(),
  );
}

runCli(main);
