// The external system's webhook endpoint for the benches: a loopback receiver in a process of its
// own, so answering deliveries does not delay the sender's clock. Keeps nothing; answers 200.
// Prints `{"url": …}` on one line once it listens.
import { startReceiver } from '../test/helpers/receiver.ts';

const receiver = await startReceiver();
receiver.received.push = () => 0;
process.stdout.write(`${JSON.stringify({ url: receiver.url, pid: process.pid })}\n`);
process.on('SIGTERM', () => {
  void receiver.close().then(() => process.exit(0));
});
