import { BlockList } from 'node:net'
import fc from 'fast-check'
import t from 'tap'
import { addressKey } from '../../src/lib/address-key.js'

// Every per-address limit counts under addressKey: an IPv4 address alone, an IPv6 one by its /64,
// an IPv4-mapped one as its IPv4 address, whatever the spelling.

t.test('IPv4 is its own key; IPv6 is its /64; IPv4-mapped IPv6 is the IPv4 address', async (t) => {
  t.equal(addressKey('203.0.113.5'), '203.0.113.5')
  t.equal(addressKey('2001:db8:1:2::1'), '2001:db8:1:2::/64')
  t.equal(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
  t.equal(addressKey('2001:db8:1:3::1'), '2001:db8:1:3::/64')
  t.equal(addressKey('::ffff:203.0.113.5'), '203.0.113.5')
  t.equal(addressKey('::ffff:cb00:7105'), '203.0.113.5', 'the hex spelling of a mapped address')
  t.equal(addressKey('::1'), '0:0:0:0::/64')
  t.equal(addressKey('::'), '0:0:0:0::/64')
})

t.test('spellings of one address give one key: case, leading zeros, ::, an embedded IPv4 tail, a zone', async (t) => {
  const spellings = ['2001:db8:0:2::1', '2001:DB8:0:2::1', '2001:0db8:0000:0002:0000:0000:0000:0001', '2001:db8::2:0:0:0:1', '2001:db8:0:2::0.0.0.1', '2001:db8:0:2::1%eth0']
  t.same(new Set(spellings.map(addressKey)), new Set(['2001:db8:0:2::/64']))
  t.equal(addressKey('1:2:3:4:5:6:7::'), '1:2:3:4::/64', ':: at the end')
})

t.test('a string that is no IP address is its own key, lower-cased', async (t) => {
  t.equal(addressKey('Not:An:Address::X'), 'not:an:address::x')
  t.equal(addressKey('unknown'), 'unknown')
})

t.test('two IPv6 addresses share a key exactly when they share a /64 (Node\'s BlockList decides)', async (t) => {
  const address = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  // Mapped IPv4 addresses follow their own rule, tested above.
  const mapped = (g: number[]) => g[5] === 0xffff && g.slice(0, 5).every((x) => x === 0)
  const spell = (g: number[]) => g.map((x) => x.toString(16)).join(':')
  // b is a with one group changed: inside the /64 or in its prefix, at any of the eight places.
  t.doesNotThrow(() => fc.assert(fc.property(address, fc.nat(7), fc.integer({ min: 1, max: 0xffff }), (a, i, delta) => {
    const b = a.map((g, j) => j === i ? (g + delta) & 0xffff : g)
    fc.pre(!mapped(a) && !mapped(b))
    const list = new BlockList()
    list.addSubnet(spell(a), 64, 'ipv6')
    return (addressKey(spell(a)) === addressKey(spell(b))) === list.check(spell(b), 'ipv6')
  }), { numRuns: 1000 }))
})
