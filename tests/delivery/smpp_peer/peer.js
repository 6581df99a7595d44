// An upstream SMSC for smscd's tests, on the npm package smpp (someone else's protocol
// code). It prints "ready SMPP_PORT CONTROL_PORT" and then takes commands over HTTP on the
// control port (POST /mode, POST /deliver, POST /receipts, POST /drop, GET /stats, POST
// /count: the counters and first/last submit_sm times without the received list).
//
// Modes (POST /mode, JSON): {receipts: "after"|"before"|"none", stat: "DELIVRD",
// err: "000", throttle: N (answer the next N submit_sm with ESME_RTHROTTLED), quota: Q
// (ESME_RTHROTTLED for a submit_sm sooner than 1/Q s after the last one taken, as
// Jasmin's user quota does; 0 for none),
// status: S (answer every submit_sm with command_status S; 0 to stop), drop_after: N
// (close every connection after N more submit_sm, unanswered), nodelay: true (TCP_NODELAY
// on connections accepted from now on)}.
//
// Like a real SMSC, it keeps every receipt until its deliver_sm_resp comes: one whose
// connection went first is sent again on the next bind that can receive (SMPP 3.4 leaves
// the retrying of a deliver_sm to the SMSC), so a dropped link loses no receipt.
'use strict';
const smpp = require('smpp');
const http = require('http');

const mode = {receipts: 'after', stat: 'DELIVRD', err: '000', throttle: 0, status: 0,
              drop_after: 0, tlvs: true, quota: 0, nodelay: false};
let lastAccepted = 0;
const stats = {binds: 0, submits: 0, answered: 0, throttled: 0, errors: 0, receipts: 0,
               delivers_acked: 0, unbinds: 0, drops: 0, receipts_resent: 0};
const received = [];       // every accepted submit_sm: {id, to, from, ton, npi, dc, esm, udh, text, validity, registered}
const sessions = new Set();
const orphans = [];        // receipts whose connection went before their deliver_sm_resp
let nextId = 1;

function receipt(session, sub) {
  const text = `id:${sub.id} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000` +
    ` stat:${mode.stat} err:${mode.err} text:`;
  const fields = {source_addr: sub.to, destination_addr: sub.from,
                  esm_class: 0x04, short_message: text};
  if (mode.tlvs) {
    fields.receipted_message_id = sub.id;
    fields.message_state = {DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, REJECTD: 8}[mode.stat] || 7;
  }
  sendReceipt(session, fields);
}

function sendReceipt(session, fields) {
  const unacked = session.unacked || (session.unacked = new Set());
  unacked.add(fields);
  const sent = session.deliver_sm({...fields}, () => { unacked.delete(fields); stats.receipts++; });
  if (!sent) { unacked.delete(fields); orphans.push(fields); }
}

function resendOrphans(session) {
  for (const fields of orphans.splice(0)) { stats.receipts_resent++; sendReceipt(session, fields); }
}

// The peer's own clock for bench/smpp.py (POST /count): when it read the first and the
// latest submit_sm, in ms.
const timing = {first: 0, last: 0};

function onSubmit(session, pdu) {
  stats.submits++;
  timing.last = performance.now();
  if (!timing.first) timing.first = timing.last;
  if (mode.drop_after > 0) {
    mode.drop_after--;
    if (mode.drop_after === 0) {
      stats.drops++;
      for (const s of sessions) s.socket.destroy();
      return;
    }
  }
  if (mode.throttle > 0) {
    mode.throttle--; stats.throttled++;
    session.send(pdu.response({command_status: 0x58})); return;
  }
  if (mode.quota > 0) {  // as Jasmin's user quota: at most one submit_sm per 1/quota s
    const now = Date.now();
    if (now - lastAccepted < 1000 / mode.quota) {
      stats.throttled++;
      session.send(pdu.response({command_status: 0x58})); return;
    }
    lastAccepted = now;
  }
  if (mode.status) {
    stats.errors++;
    session.send(pdu.response({command_status: mode.status})); return;
  }
  const id = 'P' + (nextId++);
  const msg = pdu.short_message || {};
  const udh = (msg.udh || []).map((b) => Buffer.from(b).toString('hex'));
  const sub = {id, to: pdu.destination_addr, from: pdu.source_addr, ton: pdu.source_addr_ton,
    npi: pdu.source_addr_npi, dc: pdu.data_coding, esm: pdu.esm_class, udh,
    text: typeof msg.message === 'string' ? msg.message : String(msg.message || ''),
    validity: pdu.validity_period ? String(pdu.validity_period) : '',
    registered: pdu.registered_delivery};
  received.push(sub);
  if (mode.receipts === 'before') receipt(session, sub);
  session.send(pdu.response({message_id: id}));
  stats.answered++;
  if (mode.receipts === 'after') receipt(session, sub);
}

const server = smpp.createServer((session) => {
  sessions.add(session);
  // Node leaves Nagle's algorithm on; {nodelay: true} before the bind turns it off (bench).
  if (mode.nodelay) session.socket.setNoDelay(true);
  session.on('close', () => {
    sessions.delete(session);
    for (const fields of session.unacked || []) orphans.push(fields);
    session.unacked = new Set();
  });
  session.on('error', () => {});
  const bind = (pdu) => { stats.binds++; session.send(pdu.response()); };
  const receiving = (pdu) => { bind(pdu); resendOrphans(session); };
  session.on('bind_transceiver', receiving);
  session.on('bind_transmitter', bind);
  session.on('bind_receiver', receiving);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => { stats.unbinds++; session.send(pdu.response()); session.close(); });
  session.on('submit_sm', (pdu) => onSubmit(session, pdu));
});

function deliver(body) {
  // {from, to, text, coding: 0|8, parts: N, only: [seq, ...]}: an incoming message, in N
  // UDH parts (only those numbered in ``only``, 1-based, when given).
  const coding = body.coding || 0;
  const parts = body.parts || 1;
  const chars = Array.from(body.text);
  const size = Math.ceil(chars.length / parts);
  const receivers = [...sessions].filter((s) => s._bound !== false);
  const session = receivers[receivers.length - 1];
  if (!session) return false;
  for (let i = 0; i < parts; i++) {
    if (body.only && !body.only.includes(i + 1)) continue;
    const piece = chars.slice(i * size, (i + 1) * size).join('');
    const message = parts > 1
      ? {udh: Buffer.from([5, 0, 3, 77, parts, i + 1]), message: piece} : piece;
    session.deliver_sm({source_addr: body.from, destination_addr: body.to,
                        data_coding: coding, short_message: message},
                       () => { stats.delivers_acked++; });
  }
  return true;
}

function receiptsFor(body) {
  // {ids: [...]}: a receipt now (as the mode says) for each of these accepted submit_sm.
  const session = [...sessions].pop();
  if (!session) return false;
  for (const id of body.ids) receipt(session, received.find((s) => s.id === id));
  return true;
}

const control = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', () => {
    const body = data ? JSON.parse(data) : {};
    let out = {ok: true};
    if (req.url === '/mode') Object.assign(mode, body);
    else if (req.url === '/deliver') out = {ok: deliver(body)};
    else if (req.url === '/receipts') out = {ok: receiptsFor(body)};
    else if (req.url === '/drop') { stats.drops++; for (const s of sessions) s.socket.destroy(); }
    else if (req.url === '/stats') out = {...stats, sessions: sessions.size, orphans: orphans.length, received};
    else if (req.url === '/count') out = {...stats, sessions: sessions.size, ...timing};
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(out));
  });
});

server.listen(0, '127.0.0.1', () => {
  control.listen(0, '127.0.0.1', () => {
    process.stdout.write(`ready ${server.address().port} ${control.address().port}\n`);
  });
});
process.stdin.on('end', () => process.exit(0));  // the test went away: so do we
process.stdin.resume();
