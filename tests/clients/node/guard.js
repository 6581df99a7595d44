// Preloaded (node --require guard.js) by the tests that take smscd down: every outgoing
// connection is written to stderr as "connect <host>", and one to anything but the loopback
// is refused before it leaves the machine, so a library that fell back to a hard-coded host
// of the real service would be seen trying, and could not reach it.
'use strict'

const net = require('net')
const dns = require('dns')

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const connect = net.Socket.prototype.connect

net.Socket.prototype.connect = function (...args) {
  // net.connect() hands over its arguments normalised, as an array [options, callback].
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  const options = typeof first === 'object' && first !== null ? first : { host: args[1] }
  const host = options.host || 'localhost'
  process.stderr.write(`connect ${host}\n`)
  if (!LOOPBACK.has(host)) {
    throw new Error(`guard.js: refused a connection to ${host}`)
  }
  return connect.apply(this, args)
}

const lookup = dns.lookup
dns.lookup = function (host, ...rest) {
  process.stderr.write(`lookup ${host}\n`)
  if (!LOOPBACK.has(host)) {
    const callback = rest[rest.length - 1]
    const error = Object.assign(new Error(`guard.js: refused to resolve ${host}`), {
      code: 'ENOTFOUND',
    })
    return process.nextTick(callback, error)
  }
  return lookup.call(this, host, ...rest)
}
