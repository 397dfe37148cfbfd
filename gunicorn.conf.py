"""gunicorn's settings, read from the working directory whenever `gunicorn` starts there.

A hiring manager's link carries its secret in the path (/respond/<token>/). gunicorn
prints that path in its access log and in "Error handling request <uri>"; both come out
redacted by the same function as Django's logs. /respond/answer/<uuid>/ is left as it is.
"""

from gunicorn.glogging import Logger

from feedback_portal.logging import RedactTokensFilter, redact


class RedactingLogger(Logger):
    """gunicorn's logger, redacting manager links from access-log atoms and error records."""

    def atoms(self, resp, req, environ, request_time):
        # The path shows up in several atoms: %(r)s, %(U)s, the Referer (%(f)s) and the
        # {raw_uri}e / {path_info}e environ atoms. Redact every text atom.
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def setup(self, cfg):
        super().setup(cfg)
        # setup() runs again on a reload (SIGHUP): add the filter once.
        if not any(isinstance(f, RedactTokensFilter) for f in self.error_log.filters):
            self.error_log.addFilter(RedactTokensFilter())


logger_class = RedactingLogger

# No runtime control socket (gunicornc): nothing uses it, and its one default path per user
# ($HOME/.gunicorn/gunicorn.ctl) makes a second gunicorn on the machine log an error.
control_socket_disable = True
