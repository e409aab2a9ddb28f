"""The baseline for bench/web.py: the smallest Flask app, served the same way."""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/ping", methods=["GET", "PUT"])
def ping():
    return jsonify(ok=True, echo=request.get_json(silent=True))
