-- Evidence as it was when cited. A presented or decided proposal, and a decided change request,
-- keep the evidence they cite as it was then: the first change to a piece of evidence after
-- that stores what it said before (the JSON of the API's evidence shape) on the link, and the
-- proposal or request goes on showing it. A draft proposal or an open request follows the
-- evidence as it changes (`as_cited` stays NULL); withdrawing a proposal to a draft clears it.
ALTER TABLE proposal_evidence ADD COLUMN as_cited TEXT;
ALTER TABLE change_request_evidence ADD COLUMN as_cited TEXT;
