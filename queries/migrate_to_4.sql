-- upgrades a version 3 database to version 4: GDELT's V2Tone of GKG rows moves from the
-- tone columns to gdelt_* columns of its own, and their tone (with the pair tone built
-- from it) is cleared for etl/database.py to re-score from the stored titles with the
-- encoder (refs #15); the data changes, so a migrated file starts a new chain of publishes;
-- no parameters
alter table articles add column if not exists gdelt_tone double;
alter table articles add column if not exists gdelt_positive double;
alter table articles add column if not exists gdelt_negative double;
alter table articles add column if not exists gdelt_polarity double;
alter table articles add column if not exists gdelt_word_count integer;

update articles
set
    gdelt_tone = tone,
    gdelt_positive = tone_positive,
    gdelt_negative = tone_negative,
    gdelt_polarity = tone_polarity,
    gdelt_word_count = word_count,
    tone = null,
    tone_positive = null,
    tone_negative = null,
    tone_polarity = null,
    word_count = null
where origin = 'gkg';

update article_pairs
set tone = null
where article_id in (
        select articles.article_id from articles
        where articles.origin = 'gkg'
    );

delete from meta
where key in ('publish_id', 'base_publish_id');
