-- one row per indexed article: what a search made only of exclusions (-word) starts from;
-- no parameters
select doc_no
from search_docs
