import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import vectors from '../../adapters/wechatpay/wechatpay.vectors.json' with { type: 'json' };

/**
 * The simulator's platform key: the WeChat Pay SDK's published TEST key pair and certificate
 * (serial D7CE59D1F522D701). Public knowledge, so it proves nothing outside the sandbox; live mode
 * never mounts the simulator, and a live merchant's platform keys are its own.
 */
export const SIMULATOR_PLATFORM = {
  serial: vectors.test_keypair.cert_serial,
  certificatePem: vectors.test_keypair.certificate_pem,
  privateKey: createPrivateKey(vectors.test_keypair.private_key_pkcs8_pem) as KeyObject,
  publicKey: createPublicKey(vectors.test_keypair.certificate_pem) as KeyObject,
} as const;
