// AWS credentials for an emulator the way a user has them: a named profile in shared
// config/credentials files that the AWS SDK's own chain reads (never settings). Returns a restore.
import * as fs from 'fs';
import * as path from 'path';

export function useAwsProfileFiles(dir: string, profile: string, creds: { accessKeyId: string; secretAccessKey: string }, region: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const credentials = path.join(dir, 'credentials');
  const config = path.join(dir, 'config');
  fs.writeFileSync(credentials, `[${profile}]\naws_access_key_id = ${creds.accessKeyId}\naws_secret_access_key = ${creds.secretAccessKey}\n`);
  fs.writeFileSync(config, `[profile ${profile}]\nregion = ${region}\n`);
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config, AWS_EC2_METADATA_DISABLED: 'true' })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
