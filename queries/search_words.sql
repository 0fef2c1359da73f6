-- one row: the words of $text as the search index keeps them (search_words: lower case,
-- accents stripped), so a query's words are normalised exactly as the articles' were;
-- params: $text
select search_words($text) as words
