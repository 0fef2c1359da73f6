-- rebuilds the dashboard-facing aggregates from the tagged tables and (re)defines the macros
-- that build them; no parameters.
-- every daily aggregate keeps lang, source and origin so the dashboard filters without the
-- base tables, and daily_totals is the denominator for every share of coverage.
-- The *_all rollups (every language and source together, by day, month and year) and
-- pair_articles exist for speed: at 1M articles every dashboard query must answer within
-- 100 ms (issue #4, bench/query_latency.py). The *_period table macros pick the cheapest
-- rollups for a period and filter, so the queries say what they sum, not where it is kept.
-- Each aggregate is one *_rows macro over named relations and a sign: this file applies
-- them to every article (sign 1); apply_stage.sql to a load's new articles (1) and to the
-- versions they replace (-1), then merges the signed rows (issue #13). Every measure is a
-- count or a sum, so adding signed rows gives what a rebuild gives.

-- the measures of the aggregates: what a merge adds up, everything else is the key
create or replace macro is_measure(column_name) as column_name in (
    'articles',
    'text_articles',
    'sentence_articles',
    'sentences',
    'mentions',
    'tone_sum',
    'tone_n',
    'conflict_sum',
    'conflict_n'
);

-- the counts among the measures (kept as bigint in the rollups); the others are sums
create or replace macro is_count(column_name) as is_measure(column_name)
and column_name not like '%_sum'
and column_name != 'sentences';

-- the dashboard's origin filter (refs #15): 'gdelt' keeps GDELT's GKG rows, 'text' every
-- other source, null both; the rollups keep origin so that it needs no detailed table
create or replace macro in_origin(origin, origin_filter) as
origin_filter is null or (origin = 'gkg') = (origin_filter = 'gdelt');

-- one row per day x lang x source x origin: all articles, tagged with a country or not
create or replace macro daily_totals_rows(articles_of, sign) as table
    select
        published_date as day,
        lang,
        source,
        origin,
        count(*) * sign as articles,
        -- articles with text to split: the denominator of sentence-level measures
        count(sentence_count) * sign as text_articles
    from query_table(articles_of)
    group by all;

-- the rows of a relation keyed by article_id (mentions, pairs), each with its article's day
-- and the dimensions the daily aggregates keep; has_text: the article has text to split
create or replace macro with_article(rows_of, articles_of) as table
    select
        a.published_date as day,
        a.lang,
        a.source,
        a.origin,
        a.sentence_count is not null as has_text,
        r.*
    from query_table(rows_of) as r
    inner join query_table(articles_of) as a on r.article_id = a.article_id;

-- the key of a daily aggregate: the day, the dimensions the filters read, its countries
create or replace macro is_daily_key(column_name) as
column_name in ('day', 'lang', 'source', 'origin') or column_name like 'country%';

-- one row per day x lang x source x origin x country
create or replace macro country_daily_rows(articles_of, mentions_of, sign) as table
    select
        columns(lambda c: is_daily_key(c)),
        count(*) * sign as articles,
        count(*) filter (where has_text) * sign as text_articles,
        sum(mention_count) * sign as mentions,
        sum(tone) * sign as tone_sum,
        count(tone) * sign as tone_n
    from with_article(mentions_of, articles_of)
    group by all;

-- one row per day x lang x source x origin x pair (country_a < country_b)
create or replace macro pair_daily_rows(articles_of, pairs_of, sign) as table
    select
        columns(lambda c: is_daily_key(c)),
        count(*) * sign as articles,
        count(*) filter (where sentence_count > 0) * sign as sentence_articles,
        count(sentence_count) * sign as text_articles,
        sum(sentence_count) * sign as sentences,
        sum(tone) * sign as tone_sum,
        count(tone) * sign as tone_n,
        sum(conflict) * sign as conflict_sum,
        count(conflict) * sign as conflict_n
    from with_article(pairs_of, articles_of)
    group by all;

-- rollups of every language and source together, by origin: a period's sum reads whole
-- years, then whole months, then the days at either end (the *_period macros). The
-- countries or the pair are the columns named country*; pair_daily's sentences stay in
-- pair_daily. origin stays a key so that the origin filter reads rollups too (refs #15).
-- one row per period (day, month or year) x origin x country (or pair) of daily rows
create or replace macro rollup_rows(daily_of, period) as table
    select
        date_trunc(period, day)::date as period_start,
        origin,
        columns(lambda c: c like 'country%'),
        sum(columns(lambda c: is_count(c)))::bigint,
        sum(columns(lambda c: c in ('tone_sum', 'conflict_sum')))
    from query_table(daily_of)
    group by all;

-- one row per day x origin x country (or pair)
create or replace macro daily_all_rows(daily_of) as table
    select
        period_start as day,
        date_trunc('month', period_start)::date as month,
        last_day(period_start) as month_end,
        * exclude (period_start)
    from rollup_rows(daily_of, 'day');

-- one row per month x origin x country (or pair)
create or replace macro monthly_all_rows(daily_of) as table
    select
        period_start as month,
        last_day(period_start) as month_end,
        date_trunc('year', period_start)::date as year,
        (date_trunc('year', period_start) + interval 1 year - interval 1 day)::date as year_end,
        * exclude (period_start)
    from rollup_rows(daily_of, 'month');

-- one row per year x origin x country (or pair)
create or replace macro yearly_all_rows(daily_of) as table
    select
        period_start as year,
        (period_start + interval 1 year - interval 1 day)::date as year_end,
        * exclude (period_start)
    from rollup_rows(daily_of, 'year');

-- one row per article x pair: what the articles view and the third countries show for a
-- pair. countries lists every country the article names; evidence the pair's sentences in
-- order, evidence_highlights where the pair's countries are named in each of them; story_id
-- the article's story (itself until grouped, refs #16), so that the spike detector counts a
-- pair-day's distinct stories from this table alone (pair_bucket_voices.sql, refs #17).
create or replace macro pair_articles_rows(articles_of, mentions_of, pairs_of, evidence_of)
as table
    with

    named as (
        select
            article_id,
            list(country order by country) as countries
        from query_table(mentions_of)
        group by article_id
    ),

    sentences as (
        select
            article_id,
            country_a,
            country_b,
            list(sentence order by sentence_no) as evidence,
            list(highlights order by sentence_no) as evidence_highlights
        from query_table(evidence_of)
        group by all
    )

    select
    -- ids
        p.country_a,
        p.country_b,
        p.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        -- dimensions
        a.lang,
        a.source,
        a.origin,
        a.title,
        a.url,
        named.countries,
        sentences.evidence,
        sentences.evidence_highlights,
        -- measures
        p.sentence_count,
        a.tone,
        a.conflict,
        a.gdelt_tone,
        a.gdelt_positive,
        a.gdelt_negative,
        a.gdelt_polarity,
        -- timestamps
        a.published_date as day,
        a.published_at
    from query_table(pairs_of) as p
    inner join query_table(articles_of) as a on p.article_id = a.article_id
    left join named on p.article_id = named.article_id
    left join sentences
        on
            p.article_id = sentences.article_id
            and p.country_a = sentences.country_a
            and p.country_b = sentences.country_b;

-- one row per article x country it names: the articles view's lookup when countries are
-- selected; story_id, so that the stories naming a country need no lookup in articles
-- (refs #16)
create or replace macro country_articles_rows(articles_of, mentions_of) as table
    select
    -- ids
        m.country,
        m.article_id,
        coalesce(a.story_id, a.article_id) as story_id,
        -- dimensions
        a.lang,
        a.source,
        a.origin,
        -- timestamps
        a.published_date as day,
        a.published_at
    from query_table(mentions_of) as m
    inner join query_table(articles_of) as a on m.article_id = a.article_id;

-- the story unit (refs #16): distinct stories do not add up across days, so each story day
-- keeps the story's previous day: a period's distinct stories are its story days whose
-- previous day is before the period (or none), a count over day-sorted rows instead of a
-- distinct over the articles. Stories do not mix origins (a GKG row is grouped by its URL
-- only), so origin is one of the day's; a language or source filter counts distinct
-- stories in pair_articles and articles instead (dashboard_macros.sql).
-- the story days of `days_of` (one row per story, or pair x story, and day, or either of
-- them by language and source: its key columns story_id, country*, lang and source, then
-- day, origin, articles and window_articles, those counted by the sentence window) with the
-- story's previous day (previous_day) and previous day with window_articles
-- (previous_window_day), null on its first
create or replace macro with_previous_days(days_of) as table
    select
        * exclude (story_key),
        lag(day) over by_story as previous_day,
        max(case when window_articles > 0 then day end) over (
            by_story rows between unbounded preceding and 1 preceding
        ) as previous_window_day
    from (
        select
            *,
            -- a list keeps a null language apart from a source of the same name
            list_value(
                *columns(lambda c: c like 'country%' or c in ('story_id', 'lang', 'source'))
            ) as story_key
        from query_table(days_of)
    ) as days
    window by_story as (partition by story_key order by day);

-- one row per story x language x source x day of `articles_of` (a story_id null: the
-- article is its own story); window_articles: those with text
create or replace macro story_day_counts(articles_of) as table
    select
        coalesce(story_id, article_id) as story_id,
        lang,
        source,
        published_date as day,
        any_value(origin) as origin,
        count(*) as articles,
        count(sentence_count) as window_articles
    from query_table(articles_of)
    group by all;

-- one row per pair x story x language x source x day of `pair_articles_of`;
-- window_articles: those naming both in one sentence
create or replace macro pair_story_day_counts(pair_articles_of) as table
    select
        country_a,
        country_b,
        story_id,
        lang,
        source,
        day,
        any_value(origin) as origin,
        count(*) as articles,
        count(*) filter (where sentence_count > 0) as window_articles
    from query_table(pair_articles_of)
    group by all;

-- the rows of `counts_of` (story_day_counts or pair_story_day_counts) summed over the
-- languages and sources, but for the column `kept` ('lang', 'source' or '' for neither)
create or replace macro summed_days(counts_of, kept) as table
    select
        columns(
            lambda c: c not in ('lang', 'source', 'origin', 'articles', 'window_articles')
            or c = kept
        ),
        any_value(origin) as origin,
        sum(articles)::bigint as articles,
        sum(window_articles)::bigint as window_articles
    from query_table(counts_of)
    group by all;

-- the story days of `counts_of` (story_day_counts or pair_story_day_counts, by name) with
-- their previous days: over every language and source, or with `by_facet` by language (lang
-- set, source null), by source (lang null, source set) and by both. The facets let a
-- language or source filter count a period's stories as story_days does, instead of a
-- distinct over the articles (230 ms for the top pairs at 1M articles, refs #16,
-- bench/story_latency.py)
create or replace macro story_days_of(counts_of, by_facet) as table
    with

    days as (  -- noqa: ST03
        select * from summed_days(counts_of, '')
        where not by_facet
        union all by name
        select * from summed_days(counts_of, 'lang')
        where by_facet
        union all by name
        select * from summed_days(counts_of, 'source')
        where by_facet
        union all by name
        select * from query_table(counts_of)
        where by_facet
    )

    -- the CTE is read by name, through query_table; over every language and source, lang
    -- and source are null, so that the dashboard reads both kinds alike
    select * from with_previous_days('days');

-- one row per story x day it has articles (or with by_facet, x language, source or both,
-- story_days_of); window_articles: those with text
create or replace macro story_days_rows(articles_of, by_facet := false) as table
    with counts as (select * from story_day_counts(articles_of))  -- noqa: ST03

    select * from story_days_of('counts', by_facet);

-- one row per pair x story x day the story has articles naming the pair (or with by_facet,
-- x language, source or both); window_articles: those naming both in one sentence
create or replace macro pair_story_days_rows(pair_articles_of, by_facet := false) as table
    with counts as (select * from pair_story_day_counts(pair_articles_of))  -- noqa: ST03

    select * from story_days_of('counts', by_facet);

-- the words of a folded text, whatever its characters: the runs of letters, marks and digits
create or replace macro search_words_of_any(folded) as
regexp_extract_all(folded, '[\p{L}\p{M}\p{N}]+');

-- a folded text with the punctuation search_folded_words splits at made spaces (replace()
-- in turn: translate() and regexp_replace() cost more than the regular expression saved)
create or replace macro search_spaced(folded) as
list_reduce(  -- noqa: PRS
    [
        '.', ',', ';', ':', '!', '?', '''', '"', '(', ')', '[', ']', '/', '-',
        '–', '—', '’', '‘', '“', '”', '«', '»', '…', chr(10), chr(13), chr(9)
    ],
    lambda text, separator: replace(text, separator, ' '),
    folded
);

-- the words of a folded text: what search_words_of_any finds, the cheap way when every
-- character that is not a letter, mark or digit is a space or common punctuation: that
-- punctuation replaced by spaces, then a split on spaces. Extracting the words with the
-- regular expression was 80 % of the tokenising's CPU (2.1 s of 2.6 s for 50k synthetic
-- texts; the check, the replacements and the split: 1.2 s)
create or replace macro search_folded_words(folded) as
case
    when regexp_full_match(folded, '[\p{L}\p{M}\p{N} .,;:!?''"()\[\]/–—’‘“”«»…\n\r\t-]*')
        then list_filter(string_split(search_spaced(folded), ' '), lambda word: word != '')
    else search_words_of_any(folded)
end;

-- the words of a text as the search index keeps them and a search looks them up (refs #18):
-- runs of letters and digits of any script, lower case, accents stripped, no stemming (an
-- English stemmer would mangle Indonesian and French); scripts written without spaces
-- (Chinese, Japanese) are not split into words
create or replace macro search_words(text) as
search_folded_words(
    -- an all-ASCII text (as many bytes as characters) has no accents to strip, which costs
    -- about a fifth of the index build's CPU per text (measured on 20k synthetic texts, of
    -- which only 3 % are ASCII, so bench/search_index.py does not show the saving)
    lower(case when strlen(text) = length(text) then text else strip_accents(text) end)
);

-- one row per indexed article: new doc_no numbers after `first_doc_no` for the articles of
-- `articles_of`, in publication order, with the columns the daily aggregates and the story
-- days key and count by, so that a search's scope (queries/search_scope.sql) reads its
-- matches' by doc_no; story_id as pair_articles keeps it (the article's own id for none)
create or replace macro search_docs_rows(articles_of, first_doc_no) as table
    select
    -- ids
        (first_doc_no + row_number() over (order by published_at, article_id))::integer
            as doc_no,
        article_id,
        coalesce(story_id, article_id) as story_id,
        -- dimensions
        published_date,
        lang,
        source,
        origin,
        -- measures
        sentence_count
    from query_table(articles_of);

-- one row per row of `rows_of` (mentions or article_pairs) of an article of `docs_of`: its
-- columns with the article's doc_no for its article_id, sorted by doc_no (refs #18)
create or replace macro search_doc_rows(docs_of, rows_of) as table
    select
        d.doc_no,
        r.* exclude (article_id)
    from query_table(docs_of) as d
    inner join query_table(rows_of) as r on d.article_id = r.article_id
    order by d.doc_no;

-- one row per word occurrence in an article of `docs_of`, sorted by word (see the table
-- search_postings). word_no counts the title's words from 0, then an empty word that no
-- search can ask for (so that a phrase never runs from the title into the text), then the
-- text's. One row per occurrence rather than a list of positions per word x article: on
-- 50k synthetic articles the lists' group by took twice the CPU (17 s against 8 s)
create or replace macro search_postings_rows(docs_of, articles_of) as table
    with

    texts as (
        select
            d.doc_no,
            search_words(a.title) || [''] || search_words(a.text) as words
        from query_table(docs_of) as d
        inner join query_table(articles_of) as a on d.article_id = a.article_id
    ),

    occurrences as (
        select
            doc_no,
            unnest(words) as term,
            unnest(range(len(words)))::uinteger as word_no
        from texts
    )

    select
        term,
        doc_no,
        word_no
    from occurrences
    where term != ''
    order by term, doc_no, word_no;

-- the rows of an aggregate `table_of` whose key a signed `delta_of` touches, summed with
-- the delta: what those keys hold after the merge (0 articles: the key is gone)
create or replace macro merged_rows(table_of, delta_of) as table
    select
        columns(lambda c: not is_measure(c)),
        sum(columns(lambda c: is_measure(c)))
    from (  -- noqa: PRS
        -- a join on the key columns, so DuckDB prunes the table by the delta's days
        select *
        from query_table(table_of)
        natural semi join (select columns(lambda c: not is_measure(c)) from query_table(delta_of))
        union all by name
        select * from query_table(delta_of)
    ) as keyed
    group by all;

-- the daily tables in day order, so that the days a load touches are a few row groups
create or replace table daily_totals as
select * from daily_totals_rows('articles', 1)
order by day;

create or replace table country_daily as
select * from country_daily_rows('articles', 'mentions', 1)
order by day, lang, source;

create or replace table pair_daily as
select * from pair_daily_rows('articles', 'article_pairs', 1)
order by day, lang, source;

create or replace table country_daily_all as
select * from daily_all_rows('country_daily')
order by day, country;

create or replace table country_monthly_all as
select * from monthly_all_rows('country_daily_all')
order by month, country;

create or replace table country_yearly_all as
select * from yearly_all_rows('country_daily_all')
order by year, country;

create or replace table pair_daily_all as
select * from daily_all_rows('pair_daily')
order by day, country_a, country_b;

create or replace table pair_monthly_all as
select * from monthly_all_rows('pair_daily_all')
order by month, country_a, country_b;

create or replace table pair_yearly_all as
select * from yearly_all_rows('pair_daily_all')
order by year, country_a, country_b;

-- sorted by pair and time so that one pair's newest articles are a short read
create or replace table pair_articles as
select * from pair_articles_rows('articles', 'mentions', 'article_pairs', 'evidence')
order by country_a, country_b, published_at;

-- by country and time
create or replace table country_articles as
select * from country_articles_rows('articles', 'mentions')
order by country, published_at;

-- by day, so that a period's story days are a few row groups (refs #16)
create or replace table story_days as
select * from story_days_rows('articles')
order by day;

create or replace table pair_story_days as
select * from pair_story_days_rows('pair_articles')
order by day, country_a, country_b;

-- by language and source, then day (or pair and day): a filter's rows are a few row
-- groups, and one pair's a short read (refs #16)
create or replace table story_facet_days as
select * from story_days_rows('articles', by_facet := true)
order by lang nulls first, source nulls first, day;

create or replace table pair_story_facet_days as
select * from pair_story_days_rows('pair_articles', by_facet := true)
order by lang nulls first, source nulls first, country_a, country_b, day;

-- the full-text search index (refs #18), inside the database so that a reader never sees
-- an index and articles from different loads. search_docs: one row per indexed article,
-- doc_no the small integer the postings carry instead of the article_id hash
create or replace table search_docs as
select * from search_docs_rows('articles', 0);

-- one row per occurrence of a word (search_words) in an indexed article's title or text,
-- with its position (word_no), so a phrase is its words at consecutive positions; each
-- load appends its rows sorted by word, so that DuckDB's min/max per row group finds a
-- word's rows without an index. Created empty: etl/search_build.py appends the rows a
-- chunk of articles at a time, each chunk sorted by word like a load's, since one sort of
-- every posting (423M rows at 1M articles) spills under the ETL's memory limit
create or replace table search_postings as
select * from search_postings_rows('search_docs', 'articles')
with no data;

-- the articles' mentions and pairs keyed by doc_no: a search's scope joins its matches'
-- integers to these instead of the article_id strings of mentions and article_pairs, which
-- at 1M articles cost it 0.3-0.5 s (refs #18, bench/query_latency.py --search)
create or replace table search_doc_mentions as
select * from search_doc_rows('search_docs', 'mentions');

create or replace table search_doc_pairs as
select * from search_doc_rows('search_docs', 'article_pairs');

-- whether the rows of a rollup (every language and source together) serve the filters
-- (null = all): never once a language or source is chosen, since a rollup has neither. A
-- scalar macro: a table macro around the rollups costs the dashboard's queries 10 % more
-- planning (refs #12)
create or replace macro in_rollup(origin, lang_filter, source_filter, origin_filter) as
lang_filter is null
and source_filter is null
and in_origin(origin, origin_filter);

-- the daily rows of the `kind` ('country' or 'pair') aggregates in [period_start,
-- period_end] for the filters (null = all): the detailed <kind>_daily with a language or
-- source chosen, else the daily rollup <kind>_daily_all
create or replace macro period_days(
    kind, period_start, period_end, lang_filter, source_filter, origin_filter
) as table
    select * from query_table(kind || '_daily')
    where
        (lang_filter is not null or source_filter is not null)
        and day between period_start and period_end
        and in_origin(origin, origin_filter)
        and (lang_filter is null or lang = lang_filter)
        and (source_filter is null or source = source_filter)
    union all by name
    select * from query_table(kind || '_daily_all')
    where
        in_rollup(origin, lang_filter, source_filter, origin_filter)
        and day between period_start and period_end;

-- one pair-day row per day in [period_start, period_end] for the filters (null = all)
create or replace macro pair_days(
    period_start, period_end, lang_filter, source_filter, origin_filter
) as table
    select  -- noqa: LT09
        columns(lambda c: c in ('day', 'country_a', 'country_b') or is_count(c) or c like '%_sum')
    from period_days('pair', period_start, period_end, lang_filter, source_filter, origin_filter);

-- the rows whose sums over the countries (or pairs) of the `kind` ('country' or 'pair')
-- aggregates give the days [period_start, period_end] (dates), one per rollup row: whole
-- years, whole months, then the days at either end; with a language or source chosen (null
-- = all), the detailed daily aggregate (period_days); the origin filter (refs #15) reads
-- the rollups too
create or replace macro period_rows(
    kind, period_start, period_end, lang_filter, source_filter, origin_filter
) as table
    select * from query_table(kind || '_yearly_all')
    where
        in_rollup(origin, lang_filter, source_filter, origin_filter)
        and year >= period_start
        and year_end <= period_end
    union all by name
    select * from query_table(kind || '_monthly_all')
    where
        in_rollup(origin, lang_filter, source_filter, origin_filter)
        and month >= period_start
        and month_end <= period_end
        and not (year >= period_start and year_end <= period_end)
    union all by name
    select *
    from period_days(kind, period_start, period_end, lang_filter, source_filter, origin_filter)
    where
        lang_filter is not null
        or source_filter is not null
        or not (date_trunc('month', day) >= period_start and last_day(day) <= period_end);

-- the pairs' sums over the days [period_start, period_end] (dates), in one row per rollup
-- row (group them by pair), for the filters (null = all)
create or replace macro pair_period(
    period_start, period_end, lang_filter, source_filter, origin_filter
)
as table
    select columns(lambda c: c like 'country_%' or (is_measure(c) and c != 'sentences'))
    from period_rows('pair', period_start, period_end, lang_filter, source_filter, origin_filter);

-- the countries' sums over the days [period_start, period_end], as pair_period for pairs
create or replace macro country_period(
    period_start, period_end, lang_filter, source_filter, origin_filter
)
as table
    select columns(lambda c: c = 'country' or is_measure(c))
    from
        period_rows('country', period_start, period_end, lang_filter, source_filter, origin_filter);

-- one row: the articles of a period and filters (null = all) that a share is taken of; for
-- the sentence window only articles with text, since only they can name a pair in a sentence
create or replace macro period_total(
    period_start, period_end, lang_filter, source_filter, origin_filter, window_kind
)
as table
    select
        sum(case when window_kind = 'sentence' then text_articles else articles end)::bigint
            as total_articles
    from daily_totals
    where
        day between period_start and period_end
        and in_origin(origin, origin_filter)
        and (lang_filter is null or lang = lang_filter)
        and (source_filter is null or source = source_filter);
