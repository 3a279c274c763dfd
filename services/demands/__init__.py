"""Fee demands (缴费通知) that departments' systems create, residents pay on any channel, and
whose payment or refund is told back to the department by signed webhook."""
