-- Searching people by how their names sound (issue 6, "Search"). Each name's
-- search key gets its sound keys in a column the database computes itself, so
-- every way a name is written (recording a person, changing their name, an
-- alias, an import, the demo loader) is keyed without each writer knowing,
-- and the names stored before this migration are keyed by it.
--
-- name_sounds() is the SQL twin of nameSounds() and soundOf() in
-- src/domain/search/phonetic.ts, step for step (the search explains its
-- matches with the TypeScript; test/register/search.test.ts checks both give
-- the same keys on every backend). A change to the keys is a new migration
-- that replaces the function and recomputes the column. Plain replace()
-- rather than regular expressions: every name written is keyed, and replace()
-- is many times cheaper. No extensions, so PGlite and PostgreSQL 15 both take it.

-- The keys of a stored name ("jon smyth" → {JN,SMT}; "mohammed" → {MHMT}):
-- one for each word of two letters or more (apostrophes join, hyphens
-- separate), without repeats, in no particular order.
CREATE FUNCTION name_sounds(name text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  keys text[] := '{}';
  s text;
BEGIN
  FOREACH s IN ARRAY string_to_array(translate(replace(name, '''', ''), '-', ' '), ' ') LOOP
    CONTINUE WHEN length(s) < 2;
    -- Letters and pairs that sound alike; then an h after a consonant, which is silent.
    s := replace(replace(replace(replace(replace(replace(s, 'x', 'ks'), 'ph', 'f'), 'sch', 's'), 'tch', 'ch'), 'sh', 's'), 'ch', 'k');
    s := replace(replace(replace(replace(replace(replace(s, 'ck', 'k'), 'ce', 'se'), 'ci', 'si'), 'cy', 'sy'), 'c', 'k'), 'q', 'k');
    s := replace(replace(replace(replace(replace(replace(s, 'th', 't'), 'dh', 'd'), 'kh', 'k'), 'gh', 'g'), 'wh', 'w'), 'z', 's');
    s := replace(replace(replace(replace(replace(replace(s, 'v', 'f'), 'd', 't'), 'bh', 'b'), 'fh', 'f'), 'gh', 'g'), 'jh', 'j');
    s := replace(replace(replace(replace(replace(replace(s, 'kh', 'k'), 'lh', 'l'), 'mh', 'm'), 'nh', 'n'), 'ph', 'p'), 'rh', 'r');
    s := replace(replace(s, 'sh', 's'), 'th', 't');
    -- A first y before a vowel is a consonant.
    IF left(s, 1) = 'y' AND substr(s, 2, 1) IN ('a', 'e', 'i', 'o', 'u') THEN
      s := 'Y' || substr(s, 2);
    END IF;
    -- An h before a vowel is heard; any other is not.
    s := replace(replace(replace(replace(replace(replace(replace(s, 'ha', 'Ha'), 'he', 'He'), 'hi', 'Hi'), 'ho', 'Ho'), 'hu', 'Hu'), 'hy', 'Hy'), 'h', '');
    -- Doubled consonants made single (two passes: runs of up to four).
    s := replace(replace(replace(replace(replace(replace(s, 'bb', 'b'), 'bb', 'b'), 'ff', 'f'), 'ff', 'f'), 'gg', 'g'), 'gg', 'g');
    s := replace(replace(replace(replace(replace(replace(s, 'jj', 'j'), 'jj', 'j'), 'kk', 'k'), 'kk', 'k'), 'll', 'l'), 'll', 'l');
    s := replace(replace(replace(replace(replace(replace(s, 'mm', 'm'), 'mm', 'm'), 'nn', 'n'), 'nn', 'n'), 'pp', 'p'), 'pp', 'p');
    s := replace(replace(replace(replace(replace(replace(s, 'rr', 'r'), 'rr', 'r'), 'ss', 's'), 'ss', 's'), 'tt', 't'), 'tt', 't');
    -- A first vowel is kept as A; the others go.
    IF left(s, 1) IN ('a', 'e', 'i', 'o', 'u', 'y', 'w') THEN
      s := 'A' || substr(s, 2);
    END IF;
    s := upper(translate(s, 'aeiouyw', ''));
    IF s <> '' AND NOT s = ANY (keys) THEN
      keys := keys || s;
    END IF;
  END LOOP;
  RETURN keys;
END
$$;

-- Computed once, when the key is written (and now for the keys already there).
ALTER TABLE search_key
  ADD COLUMN sounds text[] GENERATED ALWAYS AS (CASE WHEN kind = 'name' THEN name_sounds(value) END) STORED;

CREATE INDEX search_key_sounds_idx ON search_key USING gin (sounds) WHERE kind = 'name';
