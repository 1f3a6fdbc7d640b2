// Run by multipart.test.ts in a child process: sends one multipart call whose field name carries
// a huge array index and prints the status code.
import { bearer, CHANNEL_ID, startEmulatorTarget } from './emulator-fuzz-target.ts';

const target = await startEmulatorTarget();
const boundary = 'probe';
const part = (name: string, value: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const response = await target.app.inject({
  method: 'POST',
  url: `/channels/${CHANNEL_ID}/outbound_messages`,
  headers: {
    authorization: await bearer(),
    'content-type': `multipart/form-data; boundary=${boundary}`,
  },
  payload: `${part('to[99999999][handle]', '+15551230000')}${part('body', 'hi')}--${boundary}--\r\n`,
});
process.stdout.write(`${response.statusCode}\n`);
await target.app.close();
