import { describe, expect, it } from 'vitest'
import { escapeHtml, safe } from '../../framework/templates/index.ts'

describe('escapeHtml', () => {
  it('escapes the five HTML special characters wherever they are', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;',
    )
    expect(escapeHtml('&')).toBe('&amp;')
    expect(escapeHtml('a<')).toBe('a&lt;')
    expect(escapeHtml('>b')).toBe('&gt;b')
    expect(escapeHtml('<<>>')).toBe('&lt;&lt;&gt;&gt;')
  })

  it('returns text without special characters unchanged, including non-ASCII', () => {
    expect(escapeHtml('Grüße, 世界 🙂')).toBe('Grüße, 世界 🙂')
    expect(escapeHtml('')).toBe('')
  })

  it('passes safe() text through, turns null and undefined into nothing, stringifies the rest', () => {
    expect(escapeHtml(safe('<b>ok</b>'))).toBe('<b>ok</b>')
    expect(escapeHtml(null)).toBe('')
    expect(escapeHtml(undefined)).toBe('')
    expect(escapeHtml(42)).toBe('42')
    expect(escapeHtml(false)).toBe('false')
    expect(escapeHtml({ toString: () => '<x>' })).toBe('&lt;x&gt;')
  })
})
