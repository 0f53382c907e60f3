/** The question every bench turn asks and the answer the fake model streams back. */
export const BENCH_QUERY = 'How do I reset my password?';
export const BENCH_MESSAGE = 'Hi! How do I reset my password?';
export const BENCH_ANSWER =
  'To reset your password, open Settings, choose Security, press Reset password and follow the ' +
  'link we email you; it stays valid for one hour. [Reset your password](https://help.example.com/reset)';
