-- sets the encoder's title tone of GKG articles from the registered relation gkg_tones
-- (article_id, tone, word_count), and the pair tone of their pairs, which for a row without
-- text is the article's tone; no parameters
update articles
set
    tone = gkg_tones.tone,
    word_count = gkg_tones.word_count
from gkg_tones
where articles.article_id = gkg_tones.article_id;

update article_pairs
set tone = gkg_tones.tone
from gkg_tones
where article_pairs.article_id = gkg_tones.article_id;
