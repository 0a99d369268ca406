// Package keytext is the one rule that says which texts could be read as a
// product key (R1: five groups of five letters and digits), for every name
// check, every error that quotes a name and every program's output filter.
// [token.ParseKey] stays as R1 says; this rule is wider on purpose: it
// catches what a person could paste or type as a key, not only what
// ParseKey accepts.
//
// Every function is pure, never panics and accepts any input, invalid
// UTF-8 included (a byte that does not start a valid encoding is a
// character of its own that ends every run).
//
// # Runs
//
// The text is read character by character after folding (see Folded
// forms). Letters are ASCII A–Z and a–z, digits ASCII 0–9, both after
// folding. A key-shaped run is 25 letters and digits in five groups of five,
// with, inside a group, nothing but invisible characters, and between two
// groups a separator run, invisible characters, or nothing. A separator run
// is any run of separators, of one kind or mixed: "AB3DE - FG5HJ" has one.
// Any other character ends every run.
//
// A run is regular unless a separator run lies at one of its group ends
// and nothing at another (an end that holds only invisible characters goes
// with either). Every spelling
// ParseKey accepts is a regular run; "Brookfield Asset Management"
// (Brook|field Asset Manag|ement) is a run that is not regular.
//
// Runs are found anywhere, overlapping, without regard to what is around
// them: in "Donaudampfschiffahrtsgesellschaft" every 25 letters in a row
// are a regular run.
//
// # The rule
//
//  1. A text is a key as a whole ([IsKey]) when, once trimmed and stripped
//     of labels (see Trimming and labels), it is one regular run and
//     nothing else, with or without a digit: "Adams Baker Clark Davis
//     Evans" is a key, and so are "AB3DE—FG5HJ—KL7MN—PQ9RS—TUVW2.",
//     "key: «ab3de fg5hj kl7mn pq9rs tuvw2»" and the fullwidth
//     "ＡＢ３ＤＥ－ＦＧ５ＨＪ－ＫＬ７ＭＮ－ＰＱ９ＲＳ－ＴＵＶＷ２".
//  2. A text holds a key ([Holds]) when it is a key as a whole, or when
//     anywhere in it a key-shaped run, regular or not, holds a digit, or
//     is in the masked form (see The masked form). "Adams Baker Clark Davis Evans LLP"
//     holds none; "Tenant AB3DE-FG5HJ-KL7MN-PQ9RS-TUVW2 (old)" holds one.
//     A name check refuses a name that holds a key; [Quote] quotes only a
//     name that holds none.
//  3. The output filter ([Redact], [Mask]) writes X over the letters and
//     digits of every secret run: a key-shaped run, regular or not, that
//     holds a digit and is not in the masked form (see The masked form) —
//     exactly the runs rule 2 catches inside a longer text. It spares a run
//     without a digit, as rule 2 does, so that a name that passes the name
//     check is printed as it is: "Adams Baker Clark Davis Evans LLP", and
//     "add licenses XXXXX-XXXXX-XXXXX-XXXXX-EEEE5" next to a masked key. A
//     key without a digit reaches the output only through a name (a key
//     itself is printed in its masked form), and a name that is wholly a
//     key is refused by rule 1. Afterwards, every key-shaped run that holds
//     a digit, every window ParseKey accepts among them, shows at most five
//     characters other than X: the last group of a run in the masked form.
//
// # Folded forms
//
// Before anything else, each character is folded:
//
//	| character                   | code points       | read as          |
//	|-----------------------------|-------------------|------------------|
//	| fullwidth ASCII ！ to ～     | U+FF01 – U+FF5E   | ASCII ! to ~     |
//	| fullwidth digits ０–９        | U+FF10 – U+FF19   | 0–9              |
//	| fullwidth letters Ａ–Ｚ ａ–ｚ  | U+FF21 – U+FF5A   | A–Z a–z          |
//	| fullwidth －．／＼＿～          | U+FF0D … U+FF5E   | - . / \ _ ~      |
//	| fullwidth quotes and （）［］  | U+FF02 … U+FF3D   | " ' ( ) [ ]      |
//	| fullwidth ：＝               | U+FF1A, U+FF1D    | : = (labels)     |
//	| ideographic space           | U+3000            | space            |
//
// Nothing else is folded: look-alike letters of other scripts (Cyrillic А,
// Greek Α), mathematical and circled letters, and digits of other scripts
// are not ASCII and end a run, as ParseKey refuses them.
//
// # Separators
//
// A separator is, after folding:
//   - a space: ASCII white space (tab, line feed, vertical tab, form feed,
//     carriage return, space) and every Unicode white space: U+0085, the
//     category Zs (no-break space U+00A0, U+2000–U+200A, narrow no-break
//     space U+202F, U+205F, ideographic space), U+2028, U+2029;
//   - a dash: '-', '~', the category Pd (U+2010–U+2015, U+2E3A, wave dash
//     U+301C, U+FE58, U+FE63…), the minus signs U+2212, U+02D7, U+207B,
//     U+208B, U+2796, the hyphen bullet U+2043, the swung dash U+2053, the
//     tilde operator U+223C, the lines U+23AF, U+2500, U+2501 and the
//     prolonged sound marks U+30FC, U+FF70;
//   - a dot: '.', U+00B7 ·, U+0387, U+2022 •, U+2024, U+2026 …, U+2027,
//     U+2219, U+22C5, U+2E31, U+2E33, U+3002 。, U+30FB ・, U+FE52, U+FF61,
//     U+FF65;
//   - a slash: '/', '\', U+2044 ⁄, U+2215 ∕, U+2216, U+2571, U+2572,
//     U+27CB, U+27CD, U+29F5, U+29F8, U+29F9, U+FE68;
//   - an underscore: the category Pc ('_', U+203F, U+2040, U+2054, U+FE33,
//     U+FE34, U+FE4D–U+FE4F).
//
// '~' is a dash because Japanese code pages turn the wave dash 〜 into the
// fullwidth tilde ～.
//
// # Invisible characters
//
// The format characters (category Cf: soft hyphen U+00AD, zero-width space
// U+200B, non-joiner and joiner U+200C–U+200D, direction marks, word joiner
// U+2060, byte order mark U+FEFF…), the combining grapheme joiner U+034F,
// the Mongolian variation selectors U+180B–U+180F and the variation
// selectors U+FE00–U+FE0F and U+E0100–U+E01EF are invisible: inside a group
// they are read as absent; at a group end, they count as a separator or as
// nothing, whichever makes the run regular.
//
// # Trimming and labels
//
// Before a text is read as a key as a whole (rule 1), these steps are
// repeated until neither changes it:
//   - trimming: the separators, invisible characters, every punctuation
//     character (category P: quotes and brackets of every kind — " ' “ ” „
//     ‘ ’ ‚ « » ‹ › 「 」 『 』 ( ) [ ] { } —, . , ; : ! ? ¡ ¿ 。 、 # % & * @
//     and the like in every script) and the ASCII symbols ` < > | are
//     removed from both ends;
//   - a label: a text that starts with at most [MaxLabel] (48) characters
//     that are letters, marks, numbers, or characters trimming removes other
//     than ':', followed by ':' or '=', loses them and the ':' or '='.
//     "key:", "Product key =", "Lizenzschlüssel:", "Clé de produit :",
//     "プロダクトキー：" and `"key":` (JSON) are labels.
//
// # The masked form
//
// A run is in the masked form when its bytes are exactly [MaskedPrefix],
// "XXXXX-XXXXX-XXXXX-XXXXX-", and five ASCII letters or digits: what
// [token.Key.String] prints. Any other spelling of it (lower case, spaces,
// fullwidth) is not, and neither is a key with some groups XXXXX.
//
// A name check refuses a name that holds a run in the masked form (rule
// 2): a name is never a key, masked or not. The output filter leaves it as
// it is, and redacts no character of it on behalf of another run that
// overlaps it, so the last group stays readable. The other runs that
// overlap it are redacted when they hold a digit:
// "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5-AB3DE" is printed
// "XXXXX-XXXXX-XXXXX-XXXXX-EEEE5-XXXXX", and "Tenant
// XXXXX-XXXXX-XXXXX-XXXXX-EEEE5" as it is, since the regular run "enant
// XXXXX XXXXX XXXXX XXXXX" holds no digit. A secret run keeps at most one
// last group of a run in the masked form, so after [Redact] every run that
// holds a digit shows at most five characters other than X, as the masked
// form does.
//
// # Error rates
//
// Rule 1 misses nothing that is wholly a key in the spellings above. Rule 2
// misses a key inside a longer text only when the key has no digit: a key
// drawn at random from A–Z and 0–9 has none with probability (26/36)²⁵ ≈
// 2.9·10⁻⁴, so about 3 in 10,000 keys pasted inside a longer name pass the
// name check. The output filter misses the same keys, and only when they
// are printed inside a longer text: the programs print keys in their masked
// form, and names that passed the name check. The package's tests measure
// both error rates: false alarms on the real organisation names of
// testdata/organisations.txt (the name check refuses none, the filter
// changes none), and misses on random keys in 50 spellings, whole and
// inside longer texts.
package keytext
