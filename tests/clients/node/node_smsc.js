// Runs one call of the npm package node-smsc against smscd, for tests/clients/test_node_smsc.py.
//
//   node node_smsc.js <call> '<query as JSON>'      (call: send, status, balance, get, ...)
//
// The package is pointed at smscd the way its README documents: the `request` option, the
// API's root URL (default https://smsc.ru/sys/). Prints {"result": ...} or, when the call
// is rejected, {"error": {"name", "message", "code", "response"}}: one line of JSON.
'use strict'

const initSmsc = require('node-smsc')

const smsc = initSmsc({
  request: process.env.SMSCD_ROOT, // e.g. http://127.0.0.1:8000/sys/
  login: process.env.SMSC_LOGIN,
  password: process.env.SMSC_PASSWORD, // the package sends its MD5, which smscd accepts
})

const [call, query] = process.argv.slice(2)

smsc[call](JSON.parse(query || '{}')).then(
  (result) => console.log(JSON.stringify({ result })),
  (err) => console.log(JSON.stringify({
    error: { name: err.name, message: err.message, code: err.code, response: err.response },
  })),
)
