/**
 * @module `tsx bench/seed.ts FILE`: writes the W3 database (bench/lib/seed-database.ts) to FILE.
 * run.ts calls it once per run; it is also handy to serve one configuration by hand.
 */
import { seedDatabase } from './lib/seed-database.ts'

const file = process.argv[2]
if (!file) {
  console.error('usage: tsx bench/seed.ts FILE (a path that does not exist yet)')
  process.exit(2)
}
await seedDatabase(file)
