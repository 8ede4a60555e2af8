-- Every committed change to a referral, its comments or an application is announced on the
-- channel `hairyo_events` (NOTIFY is delivered at commit, and not at all on rollback), so that
-- `hairyo serve` can tell the desks concerned to refresh their queues and home counts. The
-- payload names the kind, the id and the desks concerned, never a person's data.

CREATE FUNCTION hairyo_notify_referral() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'referral', 'id', NEW.id, 'status', NEW.status,
        'desks', json_build_array(NEW.from_desk, NEW.to_desk))::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION hairyo_notify_referral_comment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT from_desk, to_desk INTO r FROM referral WHERE id = NEW.referral_id;
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'referral', 'id', NEW.referral_id, 'status', 'commented',
        'desks', json_build_array(r.from_desk, r.to_desk))::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION hairyo_notify_application() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sender TEXT;
BEGIN
    SELECT from_desk INTO sender FROM referral WHERE id = NEW.referral_id;
    PERFORM pg_notify('hairyo_events', json_build_object(
        'kind', 'application', 'id', NEW.id, 'status', NEW.status,
        'desks', json_build_array(NEW.scheme, sender))::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER referral_notify AFTER INSERT OR UPDATE ON referral
    FOR EACH ROW EXECUTE FUNCTION hairyo_notify_referral();
CREATE TRIGGER referral_comment_notify AFTER INSERT ON referral_comment
    FOR EACH ROW EXECUTE FUNCTION hairyo_notify_referral_comment();
CREATE TRIGGER application_notify AFTER INSERT OR UPDATE ON application
    FOR EACH ROW EXECUTE FUNCTION hairyo_notify_application();
