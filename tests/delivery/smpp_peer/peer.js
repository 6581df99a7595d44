// An upstream SMSC for smscd's tests, on the npm package smpp (someone else's protocol
// code). It prints "ready SMPP_PORT CONTROL_PORT" and then takes commands over HTTP on the
// control port (POST /mode, POST /deliver, POST /drop, GET /stats, POST /count: the
// counters and first/last submit_sm times without the received list).
//
// Modes (POST /mode, JSON): {receipts: "after"|"before"|"none", stat: "DELIVRD",
// err: "000", throttle: N (answer the next N submit_sm with ESME_RTHROTTLED),
// status: S (answer every submit_sm with command_status S; 0 to stop), drop_after: N
// (close every connection after N more submit_sm, unanswered), nodelay: true (TCP_NODELAY
// on connections accepted from now on)}.
'use strict';
const smpp = require('smpp');
const http = require('http');

const mode = {receipts: 'after', stat: 'DELIVRD', err: '000', throttle: 0, status: 0,
              drop_after: 0, tlvs: true, nodelay: false};
const stats = {binds: 0, submits: 0, answered: 0, throttled: 0, errors: 0, receipts: 0,
               delivers_acked: 0, unbinds: 0, drops: 0};
const received = [];       // every accepted submit_sm: {id, to, from, ton, npi, dc, esm, udh, text, validity, registered}
const sessions = new Set();
let nextId = 1;

function receipt(session, sub, pdu) {
  const text = `id:${sub.id} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000` +
    ` stat:${mode.stat} err:${mode.err} text:`;
  const fields = {source_addr: pdu.destination_addr, destination_addr: pdu.source_addr,
                  esm_class: 0x04, short_message: text};
  if (mode.tlvs) {
    fields.receipted_message_id = sub.id;
    fields.message_state = {DELIVRD: 2, EXPIRED: 3, DELETED: 4, UNDELIV: 5, REJECTD: 8}[mode.stat] || 7;
  }
  session.deliver_sm(fields, () => { stats.receipts++; });
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
  if (mode.receipts === 'before') receipt(session, sub, pdu);
  session.send(pdu.response({message_id: id}));
  stats.answered++;
  if (mode.receipts === 'after') receipt(session, sub, pdu);
}

const server = smpp.createServer((session) => {
  sessions.add(session);
  // Node leaves Nagle's algorithm on; {nodelay: true} before the bind turns it off (bench).
  if (mode.nodelay) session.socket.setNoDelay(true);
  session.on('close', () => sessions.delete(session));
  session.on('error', () => {});
  const bind = (pdu) => { stats.binds++; session.send(pdu.response()); };
  session.on('bind_transceiver', bind);
  session.on('bind_transmitter', bind);
  session.on('bind_receiver', bind);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => { stats.unbinds++; session.send(pdu.response()); session.close(); });
  session.on('submit_sm', (pdu) => onSubmit(session, pdu));
});

function deliver(body) {
  // {from, to, text, coding: 0|8, parts: N}: an incoming message, in N UDH parts.
  const coding = body.coding || 0;
  const parts = body.parts || 1;
  const chars = Array.from(body.text);
  const size = Math.ceil(chars.length / parts);
  const receivers = [...sessions].filter((s) => s._bound !== false);
  const session = receivers[receivers.length - 1];
  if (!session) return false;
  for (let i = 0; i < parts; i++) {
    const piece = chars.slice(i * size, (i + 1) * size).join('');
    const message = parts > 1
      ? {udh: Buffer.from([5, 0, 3, 77, parts, i + 1]), message: piece} : piece;
    session.deliver_sm({source_addr: body.from, destination_addr: body.to,
                        data_coding: coding, short_message: message},
                       () => { stats.delivers_acked++; });
  }
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
    else if (req.url === '/drop') { stats.drops++; for (const s of sessions) s.socket.destroy(); }
    else if (req.url === '/stats') out = {...stats, sessions: sessions.size, received};
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
