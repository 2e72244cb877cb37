// Sign in as a person would, typing the code from an authenticator app when the app asks
// for one (two-step sign-in): the code is worked out from the key in DPSUPPORT_TOTP_SECRET
// (RFC 6238: HMAC-SHA1 of the 30-second step, 6 digits).
const crypto = require('crypto');

function totp(secret, now = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(now / 30000)));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function signIn(page, base, email, password) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]:has-text("Sign in")');
  if (page.url().includes('/sign-in/code') && process.env.DPSUPPORT_TOTP_SECRET) {
    await page.fill('#code', totp(process.env.DPSUPPORT_TOTP_SECRET));
    await page.click('button[type=submit]:has-text("Continue")');
  }
}

module.exports = { signIn, totp };
