-- one row per third country mentioned in the articles of the pair ($country_a < $country_b)
-- in the filters, most articles first: its articles with the pair (numerator) out of the
-- pair's articles (denominator), as a percent. With $window = 'sentence' only articles
-- naming the pair in one sentence count.
-- params: $country_a, $country_b, $start, $end, $lang, $source, $window, $row_limit
with

articles as (
    select * from articles
),

article_pairs as (
    select * from article_pairs
),

mentions as (
    select * from mentions
),

countries as (
    select * from countries
),

pair_articles as (
    select article_pairs.article_id
    from article_pairs
    inner join articles on article_pairs.article_id = articles.article_id
    where
        article_pairs.country_a = $country_a
        and article_pairs.country_b = $country_b
        and ($window = 'article' or article_pairs.sentence_count > 0)
        and articles.published_date between $start and $end
        and ($lang is null or articles.lang = $lang)
        and ($source is null or articles.source = $source)
),

third as (
    select
        mentions.country,
        count(*) as articles
    from mentions
    semi join pair_articles on mentions.article_id = pair_articles.article_id
    where mentions.country not in ($country_a, $country_b)
    group by mentions.country
),

final as (
    select
        -- ids
        third.country,
        -- dimensions
        coalesce(countries.name, third.country) as country_name,
        -- measures
        third.articles,
        (select count(*) from pair_articles) as pair_articles,
        100.0 * third.articles / (select count(*) from pair_articles) as share_pct
    from third
    left join countries on third.country = countries.country
)

select * from final
order by articles desc, country
limit $row_limit
