-- one row: an action of a signed-in user (refs #19). params: :now, :user_email, :action,
-- :view_name, :filters, :target, :count_rows, :is_complete
insert into audit_events (
    recorded_at, user_email, action, view_name, filters, target, count_rows, is_complete
)
values (
    :now, :user_email, :action, :view_name, :filters, :target, :count_rows, :is_complete
)
