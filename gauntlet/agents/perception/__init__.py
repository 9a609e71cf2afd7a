"""The reference perception stack: lidar and radar objects, a tracker, and driving on them."""
