"""Pages for feedback requests: the candidate's, the recruiter's and the hiring manager's.

Views are thin: check access (one helper per object kind, in requests_app.access), ask the
lifecycle what is possible now, call a form, a service or a query, render. Someone else's
object answers 404, never 403.

- `candidate`: the candidate's applications and requests.
- `recruiter`: the dashboard and the recruiter's request page, with its actions.
- `analytics`: the recruiters' analytics page.
- `manager`: the hiring manager's pages, reached by e-mailed link.
- `actions`: how a button runs its service and says how it went.
"""
