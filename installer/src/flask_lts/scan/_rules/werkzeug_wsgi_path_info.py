"""Werkzeug 2.2 deprecated the WSGI path helpers of werkzeug.wsgi (get_script_name,
get_query_string, peek_path_info, pop_path_info, extract_path_info); 2.3 removed them."""

from __future__ import annotations

from .._rule import Moved, MovedNames


class WerkzeugWSGIPathInfo(MovedNames):
    id = "werkzeug-wsgi-path-info"
    package = "werkzeug"
    deprecated = "2.2.0"
    since = "2.3.0"
    summary = "get_script_name, get_query_string, peek/pop_path_info, extract_path_info are gone"
    names = {
        "werkzeug.wsgi.get_script_name": Moved("", 'environ.get("SCRIPT_NAME", "") (or request.root_path)'),
        "werkzeug.wsgi.get_query_string": Moved("", 'environ.get("QUERY_STRING", "") (or request.query_string)'),
        "werkzeug.wsgi.peek_path_info": Moved("", 'the first segment of environ["PATH_INFO"] (or request.path)'),
        "werkzeug.wsgi.pop_path_info": Moved("", 'move the segment from environ["PATH_INFO"] to environ["SCRIPT_NAME"] yourself '
                                                 "(or werkzeug.middleware.dispatcher.DispatcherMiddleware)"),
        "werkzeug.wsgi.extract_path_info": Moved("", "urllib.parse.urlsplit() both URLs and compare their paths"),
    }


RULE = WerkzeugWSGIPathInfo()
