-- A share link may show a team's track record (its credibility report) too.
ALTER TABLE share_links DROP CONSTRAINT share_links_kind_check;
ALTER TABLE share_links ADD CONSTRAINT share_links_kind_check
    CHECK (kind IN ('dashboard', 'plan', 'process', 'credibility'));
