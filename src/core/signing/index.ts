// Streaming hashes and code signatures for firmware images (no cloud, no editor dependencies).
export { digestFile, signBuffer, READ_CHUNK, type DigestOptions, type FileDigest } from './digest';
export { loadSigningKey, parseSigningKey, publicKeyPem, SigningError, type SigningKey, type SignatureAlgorithm, type SigningErrorCode } from './keys';
export { signatureKey, verifySignature } from './verify';
